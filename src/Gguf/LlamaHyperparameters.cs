namespace Probing.Gguf;

/// <summary>
/// The <c>llama</c>-architecture hyperparameters llama.cpp reads from GGUF metadata
/// (<c>llama.block_count</c>, <c>llama.embedding_length</c>, …). Shared by the random test models
/// and by exports of trained toy models.
/// </summary>
/// <param name="NLayer">Number of transformer blocks (<c>llama.block_count</c>).</param>
/// <param name="NEmbd">Residual width d_model (<c>llama.embedding_length</c>).</param>
/// <param name="NHead">Attention heads (<c>llama.attention.head_count</c>).</param>
/// <param name="NHeadKv">Key/value heads, fewer than <paramref name="NHead"/> for grouped-query attention.</param>
/// <param name="NFf">MLP hidden width d_mlp (<c>llama.feed_forward_length</c>).</param>
/// <param name="NCtx">Training context length (<c>llama.context_length</c>).</param>
/// <param name="NVocab">Vocabulary size (<c>llama.vocab_size</c>).</param>
/// <param name="RmsNormEps">RMSNorm epsilon (<c>llama.attention.layer_norm_rms_epsilon</c>).</param>
/// <param name="RopeFreqBase">RoPE base frequency (<c>llama.rope.freq_base</c>).</param>
public sealed record LlamaHyperparameters(
    int NLayer, int NEmbd, int NHead, int NHeadKv, int NFf, int NCtx, int NVocab,
    float RmsNormEps = 1e-5f, float RopeFreqBase = 10000f)
{
    /// <summary>The architecture name written to <c>general.architecture</c>.</summary>
    public const string Architecture = "llama";

    /// <summary>Width of one attention head (also the RoPE dimension count).</summary>
    public int HeadDim => NEmbd / NHead;

    /// <summary>Width of the key and value projections: <c>HeadDim * NHeadKv</c>.</summary>
    public int NEmbdKv => HeadDim * NHeadKv;

    /// <summary>Checks the shapes llama.cpp's llama graph needs.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the heads do not divide evenly.</exception>
    public void Validate()
    {
        if (NLayer < 1 || NEmbd < 1 || NHead < 1 || NHeadKv < 1 || NFf < 1 || NCtx < 1 || NVocab < 1)
            throw new ArgumentException($"every llama size must be positive: {this}.");
        if (NEmbd % NHead != 0)
            throw new ArgumentException($"n_embd {NEmbd} must be a multiple of n_head {NHead}.");
        if (NHead % NHeadKv != 0)
            throw new ArgumentException($"n_head {NHead} must be a multiple of n_head_kv {NHeadKv}.");
        if (HeadDim % 2 != 0)
            throw new ArgumentException($"the head width n_embd/n_head = {HeadDim} must be even for RoPE.");
    }

    /// <summary>Adds <c>general.architecture</c> and the <c>llama.*</c> keys to <paramref name="writer"/>.</summary>
    public GgufWriter AddTo(GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        return writer
            .Add(GgufFile.ArchitectureKey, Architecture)
            .Add("llama.vocab_size", (uint)NVocab)
            .Add("llama.context_length", (uint)NCtx)
            .Add("llama.embedding_length", (uint)NEmbd)
            .Add("llama.block_count", (uint)NLayer)
            .Add("llama.feed_forward_length", (uint)NFf)
            .Add("llama.attention.head_count", (uint)NHead)
            .Add("llama.attention.head_count_kv", (uint)NHeadKv)
            .Add("llama.rope.dimension_count", (uint)HeadDim)
            .Add("llama.rope.freq_base", RopeFreqBase)
            .Add("llama.attention.layer_norm_rms_epsilon", RmsNormEps);
    }

    /// <summary>
    /// The tensor names and shapes (GGUF order, ne) of a llama model with these sizes, in the order
    /// llama.cpp's converter writes them. <c>output.weight</c> is left out when the embeddings are tied.
    /// </summary>
    public IReadOnlyList<(string Name, long[] Ne)> TensorShapes(bool tiedEmbeddings)
    {
        var shapes = new List<(string, long[])> { ("token_embd.weight", [NEmbd, NVocab]) };
        for (var l = 0; l < NLayer; l++)
        {
            shapes.Add(($"blk.{l}.attn_norm.weight", [NEmbd]));
            shapes.Add(($"blk.{l}.attn_q.weight", [NEmbd, NEmbd]));
            shapes.Add(($"blk.{l}.attn_k.weight", [NEmbd, NEmbdKv]));
            shapes.Add(($"blk.{l}.attn_v.weight", [NEmbd, NEmbdKv]));
            shapes.Add(($"blk.{l}.attn_output.weight", [NEmbd, NEmbd]));
            shapes.Add(($"blk.{l}.ffn_norm.weight", [NEmbd]));
            shapes.Add(($"blk.{l}.ffn_gate.weight", [NEmbd, NFf]));
            shapes.Add(($"blk.{l}.ffn_up.weight", [NEmbd, NFf]));
            shapes.Add(($"blk.{l}.ffn_down.weight", [NFf, NEmbd]));
        }

        shapes.Add(("output_norm.weight", [NEmbd]));
        if (!tiedEmbeddings) shapes.Add(("output.weight", [NEmbd, NVocab]));
        return shapes;
    }
}
