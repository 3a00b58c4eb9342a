namespace Probing.Gguf;

/// <summary>
/// What llama.cpp's vocabulary loader (llama-vocab.cpp, <c>load</c>) assumes for a tokenizer when the file leaves a
/// setting unset, read from the file's <c>tokenizer.ggml.*</c> keys alone: the model summary shows these, and the
/// host's preflight checks against them.
/// </summary>
public static class LlamaTokenizerDefaults
{
    private const string Prefix = "tokenizer.ggml.";

    // tokenizer.ggml.pre values whose BPE pre-tokenizer turns add_bos on when the file does not say
    // (llama-vocab.cpp, the BPE branch of load; gemma4 forces it on).
    private static readonly HashSet<string> BpeAddsBos = new(StringComparer.Ordinal)
    {
        "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano",
        "tekken", "chameleon", "gemma4",
    };

    /// <summary>
    /// The pre-tokenizer llama.cpp uses: <c>tokenizer.ggml.pre</c>, or "" when absent; the gemma4 tokenizer sets its own.
    /// </summary>
    public static string PreTokenizer(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Find(Prefix + "model")?.Value as string == "gemma4" ? "gemma4" : file.Find(Prefix + "pre")?.Value as string ?? "";
    }

    /// <summary>
    /// Whether llama.cpp adds BOS when tokenizing with this file's vocabulary, by the same rules as its loader: the
    /// file's <c>add_bos_token</c> when set, otherwise the tokenizer's default (SentencePiece and WordPiece add it,
    /// Llama 3's BPE pre-tokenizers add it, GPT-2's and Qwen2's do not; Gemma 4 always does). Null when the file has
    /// no tokenizer llama.cpp knows.
    /// </summary>
    public static bool? AddsBos(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var model = file.Find(Prefix + "model")?.Value as string;
        // WordPiece adds [CLS] whenever special tokens are asked for, whatever the flag says.
        if (model == "bert") return true;
        var bpe = model is "gpt2" or "hybriddna" or "whitespace" or "gemma4";
        if (!bpe && model is not ("llama" or "t5" or "rwkv" or "plamo2")) return null;
        var pre = PreTokenizer(file);
        var byDefault = model == "llama" || (bpe && BpeAddsBos.Contains(pre));
        var set = file.Find(Prefix + "add_bos_token") is { Type: GgufType.Bool, Value: bool value } ? value : byDefault;
        return set || (bpe && pre == "gemma4"); // llama.cpp forces it for Gemma 4
    }
}
