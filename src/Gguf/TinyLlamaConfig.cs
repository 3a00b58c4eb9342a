namespace Probing.Gguf;

/// <summary>Settings of a random llama-architecture test model with a character-level SPM vocabulary.</summary>
/// <param name="NLayer">Transformer blocks.</param>
/// <param name="NEmbd">Residual width (a multiple of 32 for Q8_0).</param>
/// <param name="NHead">Attention heads.</param>
/// <param name="NHeadKv">Key/value heads (equal to <paramref name="NHead"/> for plain multi-head attention).</param>
/// <param name="NFf">MLP hidden width (a multiple of 32 for Q8_0).</param>
/// <param name="NCtx">Context length written to the metadata.</param>
/// <param name="Vocabulary">The characters that get their own token; others fall back to byte tokens.</param>
/// <param name="TensorType">Storage of the matrices: F32, F16 or Q8_0 (norm weights stay F32, as llama.cpp's converter keeps them).</param>
/// <param name="TiedEmbeddings">Leave out <c>output.weight</c> so llama.cpp unembeds with <c>token_embd.weight</c>.</param>
/// <param name="Seed">Seed of the random weights; the same seed gives the same file.</param>
public sealed record TinyLlamaConfig(
    int NLayer = 2,
    int NEmbd = 64,
    int NHead = 4,
    int NHeadKv = 4,
    int NFf = 128,
    int NCtx = 256,
    string Vocabulary = TinyLlamaConfig.DefaultVocabulary,
    GgmlType TensorType = GgmlType.F32,
    bool TiedEmbeddings = false,
    int Seed = 1)
{
    /// <summary>Digits, the punctuation of ICL prompts such as "(1, 5), (4, 11)", lower-case letters and newline.</summary>
    public const string DefaultVocabulary = "0123456789(),.:;=+-*/ abcdefghijklmnopqrstuvwxyz\n";

    /// <summary>Model name written to <c>general.name</c>.</summary>
    public string Name { get; init; } = "tiny-llama-random";

    /// <summary>The architecture (<see cref="TinyArchitecture.All"/>): llama, or gpt2 / gemma for graphs whose residual entering block 0 is not the raw token embedding.</summary>
    public string Architecture { get; init; } = TinyArchitecture.Llama;

    /// <summary>RMSNorm epsilon (LayerNorm epsilon for gpt2).</summary>
    public float RmsNormEps { get; init; } = 1e-5f;

    /// <summary>RoPE base frequency.</summary>
    public float RopeFreqBase { get; init; } = 10000f;
}
