
namespace Probing.Gguf;

/// <summary>
/// What <c>probe model info</c> reports about a GGUF model, read from its metadata and tensor
/// directory only (no weights are loaded). Fields a model does not declare are null.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Architecture">The architecture (<c>general.architecture</c>).</param>
/// <param name="Name">The model name (<c>general.name</c>), if any.</param>
/// <param name="NLayers">Transformer blocks (<c>{arch}.block_count</c>).</param>
/// <param name="DModel">Residual width (<c>{arch}.embedding_length</c>).</param>
/// <param name="NHeads">Attention heads (<c>{arch}.attention.head_count</c>).</param>
/// <param name="NHeadsKv">Key/value heads (<c>{arch}.attention.head_count_kv</c>).</param>
/// <param name="NCtx">Training context length (<c>{arch}.context_length</c>).</param>
/// <param name="DVocab">Vocabulary size (the token list, else <c>{arch}.vocab_size</c>).</param>
/// <param name="Tokenizer">The tokenizer model (<c>tokenizer.ggml.model</c>: llama = SPM, gpt2 = BPE, …).</param>
/// <param name="TensorTypes">Number of tensors per ggml type name.</param>
/// <param name="DominantType">The type holding most parameters of the matrices (the model's quantization).</param>
/// <param name="NParams">Total number of parameters (elements over all tensors).</param>
/// <param name="FileSize">Bytes on disk.</param>
/// <param name="GgufVersion">GGUF format version.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the whole file.</param>
public sealed record GgufModelSummary(
    string Path, string Architecture, string? Name, long? NLayers, long? DModel, long? NHeads, long? NHeadsKv,
    long? NCtx, long? DVocab, string? Tokenizer, IReadOnlyDictionary<string, int> TensorTypes, string DominantType,
    long NParams, long FileSize, uint GgufVersion, string Sha256)
{
    /// <summary>The pre-tokenizer (<c>tokenizer.ggml.pre</c>: llama-bpe, qwen2, gpt-2, …), which splits text before BPE merges; null when absent.</summary>
    public string? PreTokenizer { get; init; }

    /// <summary>
    /// <c>tokenizer.ggml.add_bos_token</c> as the file sets it; null when the file leaves it to llama.cpp, whose
    /// default depends on the tokenizer (SPM and Llama 3's BPE add BOS, GPT-2's and Qwen2's do not).
    /// </summary>
    public bool? AddBos { get; init; }

    /// <summary>
    /// Whether llama.cpp adds BOS with this vocabulary: <see cref="AddBos"/> when the file sets it, otherwise the
    /// tokenizer's default as llama.cpp's loader applies it; null when the file has no tokenizer llama.cpp knows.
    /// </summary>
    public bool? AddsBos { get; init; }

    /// <summary>Summarizes an opened file; <paramref name="sha256"/> comes from <c>Probing.Runs.Sha256File.Of</c>.</summary>
    public static GgufModelSummary From(GgufFile file, string sha256)
    {
        ArgumentNullException.ThrowIfNull(file);
        var arch = file.Architecture;
        var types = file.Tensors.GroupBy(t => GgmlTypeInfo.Name(t.Type))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        var matrices = file.Tensors.Where(t => t.Dimensions.Count >= 2).ToList();
        var dominant = (matrices.Count > 0 ? matrices : file.Tensors)
            .GroupBy(t => t.Type).OrderByDescending(g => g.Sum(t => t.ElementCount)).Select(g => GgmlTypeInfo.Name(g.Key))
            .FirstOrDefault() ?? "none";
        var vocab = file.Find("tokenizer.ggml.tokens") is { IsArray: true } tokens ? tokens.Count : Integer(file, $"{arch}.vocab_size");
        return new GgufModelSummary(
            file.Path, arch, file.Find("general.name")?.Value as string,
            Integer(file, $"{arch}.block_count"), Integer(file, $"{arch}.embedding_length"),
            Integer(file, $"{arch}.attention.head_count"), Integer(file, $"{arch}.attention.head_count_kv"),
            Integer(file, $"{arch}.context_length"), vocab, file.Find("tokenizer.ggml.model")?.Value as string,
            types, dominant, file.Tensors.Sum(t => t.ElementCount), file.FileSize, file.Version, sha256)
        {
            PreTokenizer = file.Find("tokenizer.ggml.pre")?.Value as string,
            AddBos = file.Find("tokenizer.ggml.add_bos_token")?.Value as bool?,
            AddsBos = LlamaTokenizerDefaults.AddsBos(file),
        };
    }

    private static bool IsInteger(GgufType? type) =>
        type is GgufType.UInt8 or GgufType.Int8 or GgufType.UInt16 or GgufType.Int16 or GgufType.UInt32 or GgufType.Int32 or GgufType.Int64
            or GgufType.UInt64;

    // Integer metadata, or null when absent; per-layer arrays (some architectures vary heads by layer) give their maximum.
    private static long? Integer(GgufFile file, string key) => file.Find(key) switch
    {
        null => null,
        { IsArray: true, ElementType: var type, Value: Array array } when array.Length > 0 && IsInteger(type) =>
            array.Cast<object>().Max(v => GgufValue.From(v).AsInt64()),
        { IsArray: false, Type: var type } value when IsInteger(type) => value.AsInt64(),
        _ => null,
    };
}
