using Probing.ToyModels.Tasks;

namespace Probing.ToyModels.Export;

/// <summary>
/// The <c>tokenizer.ggml.*</c> keys of an exported toy model: an SPM ("llama") vocabulary of the task's token
/// strings, ids unchanged. Toy tasks have no BOS/EOS or unknown token, so those ids point at token 0 and
/// llama.cpp adds nothing to prompts.
/// </summary>
public static class GgufTokenizerMetadata
{
    /// <summary>SPM's word-boundary marker ▁ (U+2581), which stands for a space inside a piece.</summary>
    public const string SpaceMarker = "\u2581";

    // llama_token_type LLAMA_TOKEN_TYPE_NORMAL of llama.h (IclHarness's SpmTokenType.Normal).
    private const int NormalTokenType = 1;

    /// <summary>The tokenizer keys for <paramref name="tokenizer"/>, in the order to write them.</summary>
    public static IReadOnlyList<KeyValuePair<string, object>> For(ToyTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var pieces = tokenizer.Tokens.Select(t => t.Replace(" ", SpaceMarker, StringComparison.Ordinal)).ToArray();
        return
        [
            new("tokenizer.ggml.model", "llama"),
            new("tokenizer.ggml.tokens", pieces),
            new("tokenizer.ggml.scores", new float[pieces.Length]),
            new("tokenizer.ggml.token_type", Enumerable.Repeat(NormalTokenType, pieces.Length).ToArray()),
            new("tokenizer.ggml.bos_token_id", 0u),
            new("tokenizer.ggml.eos_token_id", 0u),
            new("tokenizer.ggml.unknown_token_id", 0u),
            new("tokenizer.ggml.add_bos_token", false),
            new("tokenizer.ggml.add_eos_token", false),
            new("tokenizer.ggml.add_space_prefix", false),
        ];
    }
}
