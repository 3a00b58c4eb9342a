namespace Probing.Gguf;

/// <summary>
/// The architectures a tiny test model can have besides llama, as llama.cpp's loaders read them (src/models/gpt2.cpp,
/// gemma.cpp): their <c>{arch}.*</c> keys and tensor shapes. They exist so that analyses which depend on how a graph
/// builds the residual entering block 0 (gpt2 adds learned positions, gemma scales by √n_embd) are tested on real
/// llama.cpp graphs.
/// </summary>
public static class TinyArchitecture
{
    /// <summary>Llama (RoPE, RMSNorm, SwiGLU); <see cref="LlamaHyperparameters"/>'s own keys and tensors.</summary>
    public const string Llama = "llama";

    /// <summary>GPT-2: learned position embeddings added to the token embedding, LayerNorm with biases, fused QKV with bias, GELU MLP.</summary>
    public const string Gpt2 = "gpt2";

    /// <summary>Gemma (1): token embedding scaled by √n_embd, RMSNorm, RoPE, GeGLU, tied unembedding.</summary>
    public const string Gemma = "gemma";

    /// <summary>The architectures <see cref="TinyLlamaBuilder"/> builds.</summary>
    public static IReadOnlyList<string> All { get; } = [Llama, Gpt2, Gemma];

    /// <summary>Writes <paramref name="architecture"/>'s hyperparameter keys.</summary>
    /// <exception cref="NotSupportedException">An architecture not in <see cref="All"/>.</exception>
    public static GgufWriter AddTo(string architecture, LlamaHyperparameters h, GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(writer);
        switch (architecture)
        {
            case Llama:
                return h.AddTo(writer);
            case Gpt2:
                h.Validate();
                return Common(writer, architecture, h).Add("gpt2.attention.layer_norm_epsilon", h.RmsNormEps);
            case Gemma:
                h.Validate();
                return Common(writer, architecture, h)
                    .Add("gemma.attention.head_count_kv", (uint)h.NHeadKv)
                    .Add("gemma.attention.layer_norm_rms_epsilon", h.RmsNormEps)
                    .Add("gemma.rope.freq_base", h.RopeFreqBase);
            default:
                throw new NotSupportedException($"tiny models are {string.Join(", ", All)}, not '{architecture}'.");
        }
    }

    /// <summary>
    /// Tensor names and ggml shapes (ne) of <paramref name="architecture"/>. Gemma always ties its unembedding to
    /// <c>token_embd.weight</c> (llama.cpp's gemma loader reads no <c>output.weight</c>).
    /// </summary>
    public static IReadOnlyList<(string Name, long[] Ne)> TensorShapes(string architecture, LlamaHyperparameters h, bool tiedEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(h);
        switch (architecture)
        {
            case Llama:
                return h.TensorShapes(tiedEmbeddings);
            case Gemma:
                return h.TensorShapes(tiedEmbeddings: true);
            case Gpt2:
                long d = h.NEmbd, f = h.NFf;
                var shapes = new List<(string, long[])> { ("token_embd.weight", [d, h.NVocab]), ("position_embd.weight", [d, h.NCtx]) };
                for (var l = 0; l < h.NLayer; l++)
                {
                    shapes.Add(($"blk.{l}.attn_norm.weight", [d]));
                    shapes.Add(($"blk.{l}.attn_norm.bias", [d]));
                    shapes.Add(($"blk.{l}.attn_qkv.weight", [d, 3 * d]));
                    shapes.Add(($"blk.{l}.attn_qkv.bias", [3 * d]));
                    shapes.Add(($"blk.{l}.attn_output.weight", [d, d]));
                    shapes.Add(($"blk.{l}.attn_output.bias", [d]));
                    shapes.Add(($"blk.{l}.ffn_norm.weight", [d]));
                    shapes.Add(($"blk.{l}.ffn_norm.bias", [d]));
                    shapes.Add(($"blk.{l}.ffn_up.weight", [d, f]));
                    shapes.Add(($"blk.{l}.ffn_up.bias", [f]));
                    shapes.Add(($"blk.{l}.ffn_down.weight", [f, d]));
                    shapes.Add(($"blk.{l}.ffn_down.bias", [d]));
                }
                shapes.Add(("output_norm.weight", [d]));
                shapes.Add(("output_norm.bias", [d]));
                if (!tiedEmbeddings) shapes.Add(("output.weight", [d, h.NVocab]));
                return shapes;
            default:
                throw new NotSupportedException($"tiny models are {string.Join(", ", All)}, not '{architecture}'.");
        }
    }

    private static GgufWriter Common(GgufWriter writer, string a, LlamaHyperparameters h) => writer
        .Add(GgufFile.ArchitectureKey, a)
        .Add($"{a}.vocab_size", (uint)h.NVocab)
        .Add($"{a}.context_length", (uint)h.NCtx)
        .Add($"{a}.embedding_length", (uint)h.NEmbd)
        .Add($"{a}.block_count", (uint)h.NLayer)
        .Add($"{a}.feed_forward_length", (uint)h.NFf)
        .Add($"{a}.attention.head_count", (uint)h.NHead);
}
