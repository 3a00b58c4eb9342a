using Probing.IclHarness.Gguf;
using Probing.Runs;

namespace Probing.IclHarness.Llama;

/// <summary>
/// The logit lens (nostalgebraist 2020): read a residual-stream vector as if it were the last layer's, by
/// applying the model's final norm (<c>output_norm.weight</c>, with its bias for LayerNorm) and then the
/// unembedding (<c>output.weight</c>, or <c>token_embd.weight</c> when the embeddings are tied, plus
/// <c>output.bias</c> if the model has one), then the final logit soft-cap <c>cap · tanh(logit / cap)</c> where the
/// architecture has one (Gemma 2; Gemma 3 when its file sets <c>final_logit_softcapping</c>). Gemma's RMSNorm
/// multiplies by (1 + w): llama.cpp's converter stores 1 + w in <c>output_norm.weight</c>, so the lens reads the
/// offset from the file as llama.cpp does. Weights come from the memory-mapped GGUF and are decoded by
/// ggml (<see cref="GgmlDequantizer"/>). All rows of a call go through one matrix product.
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
    private readonly float[] _gain;       // [d_model]
    private readonly float[]? _bias;      // [d_model] (LayerNorm only)
    private readonly float[]? _outputBias; // [d_vocab]
    private readonly GgufTensorInfo _unembedding; // ne = [d_model, d_vocab]

    private LogitLens(LlamaModel model, FinalNormKind kind)
    {
        _file = model.Gguf;
        Kind = kind;
        EmbeddingSize = model.Info.EmbeddingSize;
        var arch = model.Info.Architecture;
        var epsKey = kind == FinalNormKind.RmsNorm ? $"{arch}.attention.layer_norm_rms_epsilon" : $"{arch}.attention.layer_norm_epsilon";
        Epsilon = _file.Contains(epsKey) ? _file.GetFloat32(epsKey)
            : throw new InvalidDataException($"{_file.Path}: the model has no '{epsKey}', which the logit lens needs for the final norm.");
        _gain = Vector("output_norm.weight", EmbeddingSize);
        // LayerNorm's bias, or the bias phi3 may add after its RMSNorm (build_norm with output_norm_b).
        _bias = _file.FindTensor("output_norm.bias") is not null ? Vector("output_norm.bias", EmbeddingSize) : null;
        var capKey = $"{arch}.final_logit_softcapping";
        Softcap = DefaultSoftcap.TryGetValue(arch, out var cap) ? (_file.Contains(capKey) ? _file.GetFloat32(capKey) : cap) : 0f;
        _unembedding = _file.FindTensor("output.weight") ?? _file.GetTensor("token_embd.weight");
        TiedEmbeddings = _unembedding.Name == "token_embd.weight";
        if (_unembedding.Dimensions.Count != 2 || _unembedding.Dimensions[0] != EmbeddingSize)
            throw new InvalidDataException($"{_file.Path}: {_unembedding.Name} has shape {_unembedding.Shape}, expected [{EmbeddingSize}, n_vocab].");
        VocabularySize = (int)_unembedding.Dimensions[1];
        _outputBias = _file.FindTensor("output.bias") is not null ? Vector("output.bias", VocabularySize) : null;
    }

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

    /// <summary>A lens for <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The lens does not know the architecture's final norm.</exception>
    public static LogitLens Create(LlamaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var arch = model.Info.Architecture;
        if (!KnownArchitectures.TryGetValue(arch, out var kind))
            throw new NotSupportedException(
                $"the logit lens does not know the final norm of architecture '{arch}' (it knows {string.Join(", ", KnownArchitectures.Keys.Order())}); measurements without the lens (ICL runs with Lens = false, patching) still work")
                .Naming("Lens = false");
        return new LogitLens(model, kind);
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
        var normalized = Normalize(residuals, rows);
        return Unembed(normalized, rows);
    }

    /// <summary>The final norm applied row by row: [rows, d_model] to [rows, d_model] (sums in double).</summary>
    public float[] Normalize(ReadOnlySpan<float> residuals, int rows)
    {
        var d = EmbeddingSize;
        if (rows < 0 || residuals.Length != rows * d)
            throw new ArgumentException($"expected {rows} rows of d_model = {d} floats, got {residuals.Length} floats.");
        var output = new float[rows * d]; // [rows, d_model]
        for (var r = 0; r < rows; r++)
        {
            var x = residuals.Slice(r * d, d);
            var y = output.AsSpan(r * d, d);
            var mean = 0.0;
            if (Kind == FinalNormKind.LayerNorm)
            {
                foreach (var v in x) mean += v;
                mean /= d;
            }
            var squares = 0.0;
            foreach (var v in x) squares += (v - mean) * (v - mean);
            var scale = 1.0 / Math.Sqrt(squares / d + Epsilon);
            for (var i = 0; i < d; i++) y[i] = (float)((x[i] - mean) * scale * _gain[i] + (_bias?[i] ?? 0f));
        }
        return output;
    }

    /// <summary>The unembedding product: [rows, d_model] times the unembedding's transpose gives [rows, d_vocab].</summary>
    public float[] Unembed(float[] normalized, int rows)
    {
        var logits = new float[(long)rows * VocabularySize]; // [rows, d_vocab]
        Unembed(normalized, rows, logits);
        return logits;
    }

    /// <summary>
    /// <see cref="Logits(ReadOnlySpan{float}, int)"/> written into the first rows × d_vocab floats of
    /// <paramref name="logits"/>, so a caller streaming blocks of rows reuses one buffer.
    /// </summary>
    public void Logits(ReadOnlySpan<float> residuals, int rows, float[] logits) => Unembed(Normalize(residuals, rows), rows, logits);

    private void Unembed(float[] normalized, int rows, float[] logits)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        ArgumentNullException.ThrowIfNull(logits);
        if (normalized.Length != rows * EmbeddingSize) throw new ArgumentException($"expected {rows} × {EmbeddingSize} floats.");
        if (logits.LongLength < (long)rows * VocabularySize) throw new ArgumentException($"the logits buffer holds {logits.LongLength} floats, fewer than {rows} × {VocabularySize}.");
        LensProduct.Multiply(_file, _unembedding, normalized, rows, logits); // [rows, d_vocab]
        var count = (long)rows * VocabularySize;
        if (_outputBias is not null)
            for (var r = 0; r < rows; r++)
                for (var v = 0; v < VocabularySize; v++) logits[r * VocabularySize + v] += _outputBias[v];
        if (Softcap > 0)
            for (var i = 0; i < count; i++) logits[i] = Softcap * MathF.Tanh(logits[i] / Softcap);
    }

    private float[] Vector(string name, int length)
    {
        var values = GgmlDequantizer.Dequantize(_file, name);
        return values.Length == length ? values
            : throw new InvalidDataException($"{_file.Path}: {name} has {values.Length} values, expected {length}.");
    }
}
