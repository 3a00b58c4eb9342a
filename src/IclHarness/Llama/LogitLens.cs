using Probing.Gguf;
using Probing.Runs;

namespace Probing.IclHarness.Llama;

/// <summary>
/// The logit lens (nostalgebraist 2020): read a residual-stream vector as if it were the last layer's, by
/// applying the model's final norm (<c>output_norm.weight</c>, with its bias for LayerNorm) and then the
/// unembedding (<c>output.weight</c>, or <c>token_embd.weight</c> when the embeddings are tied, plus
/// <c>output.bias</c> if the model has one), then the final logit soft-cap <c>cap · tanh(logit / cap)</c> where the
/// architecture has one (Gemma 2; Gemma 3 when its file sets <c>final_logit_softcapping</c>). Gemma's RMSNorm
/// multiplies by (1 + w): llama.cpp's converter stores 1 + w in <c>output_norm.weight</c>, so the lens reads the
/// offset from the file as llama.cpp does. The arithmetic is llama.cpp's own: a ggml graph of the same ops on ggml's CPU
/// kernels over the memory-mapped file's own (quantized) unembedding, nothing dequantized, with the activations rounded
/// to the weight's vec_dot type as llama.cpp rounds them (<see cref="LensProduct"/>). A row's logits do not depend on the
/// other rows of the call nor on the thread count.
/// </summary>
public sealed class LogitLens
{
    private static readonly Dictionary<string, FinalNormKind> KnownArchitectures = new(StringComparer.Ordinal)
    {
        // Architectures whose llama.cpp graph ends in build_norm(output_norm) then the plain output matmul
        // (no logit scaling or soft-capping), checked against the pinned llama.cpp source.
        ["llama"] = FinalNormKind.RmsNorm, ["mistral3"] = FinalNormKind.RmsNorm, ["qwen"] = FinalNormKind.RmsNorm,
        ["qwen2"] = FinalNormKind.RmsNorm, ["qwen2moe"] = FinalNormKind.RmsNorm, ["qwen3"] = FinalNormKind.RmsNorm,
        ["qwen3moe"] = FinalNormKind.RmsNorm, ["internlm2"] = FinalNormKind.RmsNorm, ["deci"] = FinalNormKind.RmsNorm,
        ["olmo2"] = FinalNormKind.RmsNorm, ["olmoe"] = FinalNormKind.RmsNorm, ["smollm3"] = FinalNormKind.RmsNorm,
        ["exaone"] = FinalNormKind.RmsNorm, ["baichuan"] = FinalNormKind.RmsNorm, ["deepseek"] = FinalNormKind.RmsNorm,
        ["deepseek2"] = FinalNormKind.RmsNorm, ["glm4"] = FinalNormKind.RmsNorm, ["gemma"] = FinalNormKind.RmsNorm,
        ["gpt2"] = FinalNormKind.LayerNorm, ["gptneox"] = FinalNormKind.LayerNorm, ["starcoder"] = FinalNormKind.LayerNorm,
        ["starcoder2"] = FinalNormKind.LayerNorm, ["bloom"] = FinalNormKind.LayerNorm, ["falcon"] = FinalNormKind.LayerNorm,
        ["mpt"] = FinalNormKind.LayerNorm, ["phi2"] = FinalNormKind.LayerNorm, ["stablelm"] = FinalNormKind.LayerNorm,
        // build_norm(output_norm, output_norm_b, RMS) then output (+ output.bias): src/models/phi3.cpp.
        ["phi3"] = FinalNormKind.RmsNorm,
        // RMSNorm then output, then the final logit soft-cap: src/models/gemma2.cpp, gemma3.cpp.
        ["gemma2"] = FinalNormKind.RmsNorm, ["gemma3"] = FinalNormKind.RmsNorm,
    };

    // llama.cpp's soft-cap when the file sets none: gemma2 keeps its hparams default of 30, gemma3 resets it to 0 (off).
    private static readonly Dictionary<string, float> DefaultSoftcap = new(StringComparer.Ordinal) { ["gemma2"] = 30f, ["gemma3"] = 0f };

    private readonly GgufFile _file;
    private readonly LensProduct _product;

    private LogitLens(LlamaModel model, FinalNormKind kind, int threads)
    {
        _file = model.Gguf;
        Kind = kind;
        EmbeddingSize = model.Info.EmbeddingSize;
        var arch = model.Info.Architecture;
        var epsKey = kind == FinalNormKind.RmsNorm ? $"{arch}.attention.layer_norm_rms_epsilon" : $"{arch}.attention.layer_norm_epsilon";
        Epsilon = _file.Contains(epsKey) ? _file.GetFloat32(epsKey)
            : throw new InvalidDataException($"{_file.Path}: the model has no '{epsKey}', which the logit lens needs for the final norm.");
        var gain = Vector("output_norm.weight", EmbeddingSize); // [d_model]
        // LayerNorm's bias, or the bias phi3 may add after its RMSNorm (build_norm with output_norm_b).
        var bias = _file.FindTensor("output_norm.bias") is not null ? Vector("output_norm.bias", EmbeddingSize) : null; // [d_model]
        var capKey = $"{arch}.final_logit_softcapping";
        Softcap = DefaultSoftcap.TryGetValue(arch, out var cap) ? (_file.Contains(capKey) ? _file.GetFloat32(capKey) : cap) : 0f;
        var unembedding = _file.FindTensor("output.weight") ?? _file.GetTensor("token_embd.weight"); // ne = [d_model, d_vocab]
        TiedEmbeddings = unembedding.Name == "token_embd.weight";
        if (unembedding.Dimensions.Count != 2 || unembedding.Dimensions[0] != EmbeddingSize)
            throw new InvalidDataException($"{_file.Path}: {unembedding.Name} has shape {unembedding.Shape}, expected [{EmbeddingSize}, n_vocab].");
        VocabularySize = (int)unembedding.Dimensions[1];
        var outputBias = _file.FindTensor("output.bias") is not null ? Vector("output.bias", VocabularySize) : null; // [d_vocab]
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        _product = new LensProduct(_file, unembedding, kind, Epsilon, gain, bias, outputBias, Softcap, Threads);
    }

    /// <summary>CPU threads ggml computes the lens with (results do not depend on it).</summary>
    public int Threads { get; }

    /// <summary>The final logit soft-cap (logits become cap · tanh(logit / cap)), or 0 for none.</summary>
    public float Softcap { get; }

    /// <summary>The final norm this lens applies.</summary>
    public FinalNormKind Kind { get; }

    /// <summary>The norm's epsilon, from the model's metadata.</summary>
    public float Epsilon { get; }

    /// <summary>d_model.</summary>
    public int EmbeddingSize { get; }

    /// <summary>d_vocab (rows of the unembedding).</summary>
    public int VocabularySize { get; }

    /// <summary>Whether the unembedding is <c>token_embd.weight</c> (no <c>output.weight</c> in the file).</summary>
    public bool TiedEmbeddings { get; }

    /// <summary>Whether <paramref name="architecture"/> has a final norm the lens knows.</summary>
    public static bool Supports(string architecture) => KnownArchitectures.ContainsKey(architecture);

    /// <summary>A lens for <paramref name="model"/> computed on <paramref name="threads"/> CPU threads (0 = all cores, as for a context).</summary>
    /// <exception cref="NotSupportedException">The lens does not know the architecture's final norm.</exception>
    public static LogitLens Create(LlamaModel model, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var arch = model.Info.Architecture;
        if (!KnownArchitectures.TryGetValue(arch, out var kind))
            throw new NotSupportedException(
                $"the logit lens does not know the final norm of architecture '{arch}' (it knows {string.Join(", ", KnownArchitectures.Keys.Order())}); measurements without the lens (ICL runs with Lens = false, patching) still work")
                .Naming("Lens = false");
        return new LogitLens(model, kind, threads);
    }

    /// <summary>Lens logits for every captured layer × position of <paramref name="capture"/>, in one product.</summary>
    public LensResult Apply(ResidualCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var rows = capture.Layers.Length * capture.Positions.Length;
        return new LensResult(capture.Layers, capture.Positions, VocabularySize, Logits(capture.Residuals, rows));
    }

    /// <summary>Lens logits [rows, d_vocab] for residual rows [rows, d_model]: final norm, then unembedding.</summary>
    public float[] Logits(ReadOnlySpan<float> residuals, int rows)
    {
        var logits = new float[Checked(residuals, rows, EmbeddingSize) * VocabularySize]; // [rows, d_vocab]
        _product.Run(residuals, rows, normalize: true, unembed: true, logits);
        return logits;
    }

    /// <summary>The final norm applied row by row: [rows, d_model] to [rows, d_model], on ggml's CPU kernels as llama.cpp applies it.</summary>
    public float[] Normalize(ReadOnlySpan<float> residuals, int rows)
    {
        var output = new float[Checked(residuals, rows, EmbeddingSize) * EmbeddingSize]; // [rows, d_model]
        _product.Run(residuals, rows, normalize: true, unembed: false, output);
        return output;
    }

    /// <summary>The unembedding product: [rows, d_model] times the unembedding's transpose gives [rows, d_vocab].</summary>
    public float[] Unembed(float[] normalized, int rows)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var logits = new float[Checked(normalized, rows, EmbeddingSize) * VocabularySize]; // [rows, d_vocab]
        _product.Run(normalized, rows, normalize: false, unembed: true, logits);
        return logits;
    }

    /// <summary>
    /// <see cref="Logits(ReadOnlySpan{float}, int)"/> written into the first rows × d_vocab floats of
    /// <paramref name="logits"/>, so a caller streaming blocks of rows reuses one buffer.
    /// </summary>
    public void Logits(ReadOnlySpan<float> residuals, int rows, float[] logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var count = Checked(residuals, rows, EmbeddingSize) * VocabularySize;
        if (logits.LongLength < count) throw new ArgumentException($"the logits buffer holds {logits.LongLength} floats, fewer than {rows} × {VocabularySize}.");
        _product.Run(residuals, rows, normalize: true, unembed: true, logits.AsSpan(0, (int)count));
    }

    private static long Checked(ReadOnlySpan<float> rowsOfWidth, int rows, int width) =>
        rows >= 0 && rowsOfWidth.Length == (long)rows * width ? rows
            : throw new ArgumentException($"expected {rows} rows of d_model = {width} floats, got {rowsOfWidth.Length} floats.");

    private float[] Vector(string name, int length)
    {
        var values = GgmlDequantizer.Dequantize(_file, name);
        return values.Length == length ? values
            : throw new InvalidDataException($"{_file.Path}: {name} has {values.Length} values, expected {length}.");
    }
}
