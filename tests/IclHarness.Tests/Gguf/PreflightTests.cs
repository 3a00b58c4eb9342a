using Probing.IclHarness.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Gguf;

/// <summary>
/// The semantic preflight: every class of metadata that llama.cpp loads and then aborts on (found by reading its
/// GGML_ASSERTs and by the semantic fuzzer, tests/Fuzz.Gguf --semantic) is refused with one line naming the key,
/// while well-formed models of every tokenizer kind pass and really run in llama.cpp.
/// </summary>
public sealed class PreflightTests
{
    private static readonly TinyLlamaConfig Config = new(NLayer: 1, NEmbd: 32, NHead: 2, NHeadKv: 1, NFf: 32, NCtx: 64);

    /// <summary>Each bad case: a tokenizer kind, the edit, and a word the message must contain.</summary>
    public static TheoryData<string, string, string> BadCases => new()
    {
        { "llama", "rms-eps-nan", "layer_norm_rms_epsilon" },
        { "llama", "rms-eps-negative", "layer_norm_rms_epsilon" },
        { "llama", "norm-eps-infinite", "layer_norm_epsilon" },
        { "llama", "rope-scaling-unknown", "rope.scaling.type" },
        { "llama", "rope-scaling-not-string", "rope.scaling.type" },
        { "llama", "rope-freq-base-nan", "rope.freq_base" },
        { "llama", "rope-dimension-odd", "rope.dimension_count" },
        { "llama", "key-value-widths-differ", "value_length" },
        { "llama", "block-count-huge", "block_count" },
        { "llama", "model-none", "tokenizer.ggml.model" },
        { "llama", "model-no-vocab", "tokenizer.ggml.model" },
        { "llama", "model-unknown", "tokenizer.ggml.model" },
        { "llama", "duplicate-token", "twice" },
        { "llama", "empty-token-collides", "[EMPTY_" },
        { "llama", "no-bos-but-add-bos", "bos_token_id" },
        { "llama", "no-eos-but-add-eos", "eos_token_id" },
        { "llama", "scores-short", "tokenizer.ggml.scores" },
        { "llama", "tokens-not-strings", "tokenizer.ggml.tokens" },
        { "llama", "model-bert-over-spm", "byte token" },
        { "bert", "model-bert-without-sep", "seperator_token_id" },
        { "bert", "byte-token-type", "byte token" },
        { "t5", "no-eos-but-add-eos", "eos_token_id" },
        { "t5", "charsmap-out-of-bounds", "precompiled_charsmap" },
        { "t5", "charsmap-unterminated", "precompiled_charsmap" },
        { "gpt2", "no-bos-but-add-bos-chatglm", "bos_token_id" },
        { "gpt2", "duplicate-token", "twice" },
    };

    [Theory]
    [MemberData(nameof(BadCases))]
    public void GivenMetadataLlamaCppAbortsOn_WhenPreflight_ThenOneLineNamesTheKey(string kind, string edit, string expected)
    {
        var reason = GgufFuzz.Preflight(BadModel(kind, edit), "bad.gguf");

        Assert.NotNull(reason);
        Assert.DoesNotContain('\n', reason);
        Assert.StartsWith("bad.gguf: ", reason, StringComparison.Ordinal);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GivenWellFormedModelOfEveryTokenizerKind_WhenPreflightAndLlamaCpp_ThenAcceptedTokenizedAndDecoded(string kind)
    {
        var bytes = TinyLlamaBuilder.Build(Config, TinyVocabulary.Of(kind)).ToArray();
        Assert.Null(GgufFuzz.Preflight(bytes));

        var path = Path.Combine(Path.GetTempPath(), $"preflight-{kind}-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var model = LlamaModel.Load(path);
            var tokens = model.Tokenize("(1, 5), (4, 11)");
            Assert.NotEmpty(tokens);
            using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 64, Threads = 1 });
            var evaluation = context.Evaluate(tokens);
            Assert.NotNull(evaluation);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GivenTheTinySpmModel_WhenPreflight_ThenAccepted() =>
        Assert.Null(GgufFuzz.Preflight(TinyLlamaBuilder.Build(Config).ToArray()));

    [Fact]
    public void GivenValidNormalizerTable_WhenPreflight_ThenAccepted()
    {
        // Root (BASE 1) with one child for 'a' at 1 ^ 'a' = 0x60 that is a leaf whose value node holds offset 0.
        var nodes = new uint[256];
        nodes[0] = 1u << 10;                       // root: BASE = 1
        nodes[0x60] = (0x60u << 10) | (1u << 8) | 'a'; // LCHECK 'a', leaf, BASE 0x60 → value node 0x60 ^ 0x60 = 0
        var bytes = Charsmap(nodes, "b\0"u8.ToArray());
        var model = TinyLlamaBuilder.Build(Config, TinyVocabulary.Of("t5")).Add("tokenizer.ggml.precompiled_charsmap", bytes).ToArray();
        // Node 0 doubles as the value node: offset = node & 0x7FFFFFFF = 1 << 10, outside "b\0", so this must fail...
        Assert.Contains("precompiled_charsmap", GgufFuzz.Preflight(model));
        // ...and with a separate value node holding offset 0 it passes.
        nodes[0x60] = (0x61u << 10) | (1u << 8) | 'a';  // BASE 0x61 → value node 0x60 ^ 0x61 = 1
        nodes[1] = 0;
        model = TinyLlamaBuilder.Build(Config, TinyVocabulary.Of("t5")).Add("tokenizer.ggml.precompiled_charsmap", Charsmap(nodes, "b\0"u8.ToArray())).ToArray();
        Assert.Null(GgufFuzz.Preflight(model));
    }

    public static TheoryData<string> Kinds => new(TinyVocabulary.Kinds);

    /// <summary>A model of <paramref name="kind"/> with one bad edit (shared with the CLI corpus test).</summary>
    internal static byte[] BadModel(string kind, string edit)
    {
        var vocabulary = TinyVocabulary.Of(kind);
        var writer = TinyLlamaBuilder.Build(Config, vocabulary);
        var tokens = vocabulary.Tokens.ToArray();
        switch (edit)
        {
            case "rms-eps-nan": writer.Add("llama.attention.layer_norm_rms_epsilon", float.NaN); break;
            case "rms-eps-negative": writer.Add("llama.attention.layer_norm_rms_epsilon", -1e-5f); break;
            case "norm-eps-infinite": writer.Add("llama.attention.layer_norm_epsilon", float.PositiveInfinity); break;
            case "rope-scaling-unknown": writer.Add("llama.rope.scaling.type", "dynamic"); break;
            case "rope-scaling-not-string": writer.Add("llama.rope.scaling.type", 1u); break;
            case "rope-freq-base-nan": writer.Add("llama.rope.freq_base", float.NaN); break;
            case "rope-dimension-odd": writer.Add("llama.rope.dimension_count", 15u); break;
            case "key-value-widths-differ": writer.Add("llama.attention.value_length", 8u); break;
            case "block-count-huge": writer.Add("llama.block_count", 100000u); break;
            case "model-none": writer.Add("tokenizer.ggml.model", "none"); break;
            case "model-no-vocab": writer.Add("tokenizer.ggml.model", "no_vocab"); break;
            case "model-unknown": writer.Add("tokenizer.ggml.model", "sentencepiece"); break;
            case "model-bert-over-spm": writer.Add("tokenizer.ggml.model", "bert"); break;
            case "duplicate-token": tokens[^1] = tokens[^2]; writer.Add("tokenizer.ggml.tokens", tokens); break;
            case "empty-token-collides": tokens[^1] = ""; tokens[^2] = $"[EMPTY_{tokens.Length - 1}]"; writer.Add("tokenizer.ggml.tokens", tokens); break;
            case "no-bos-but-add-bos": // SPM's default BOS is id 1, so only a one-token vocabulary has none
                writer.Add("tokenizer.ggml.bos_token_id", 100000u).Add("tokenizer.ggml.tokens", tokens[..1]);
                break;
            case "no-eos-but-add-eos":
                writer.Add("tokenizer.ggml.add_eos_token", true).Add("tokenizer.ggml.eos_token_id", 100000u);
                // The default EOS (2 for SPM, 1 for T5) must fall outside the vocabulary to leave none.
                writer.Add("tokenizer.ggml.tokens", tokens[..(kind == "t5" ? 1 : 2)]);
                break;
            case "scores-short": writer.Add("tokenizer.ggml.scores", new float[3]); break;
            case "tokens-not-strings": writer.Add("tokenizer.ggml.tokens", new int[tokens.Length]); break;
            case "model-bert-without-sep": // the default [SEP] id 102 is outside this small vocabulary
                writer.Add("tokenizer.ggml.seperator_token_id", 100000u);
                break;
            case "byte-token-type":
                var types = Enumerable.Repeat(1, tokens.Length).ToArray();
                types[7] = 6;
                writer.Add("tokenizer.ggml.token_type", types);
                break;
            case "charsmap-out-of-bounds": writer.Add("tokenizer.ggml.precompiled_charsmap", Charsmap([5u << 10], [0])); break;
            case "charsmap-unterminated":
                var nodes = new uint[256];
                nodes[0] = 1u << 10;
                nodes[0x60] = (0x61u << 10) | (1u << 8) | 'a';
                writer.Add("tokenizer.ggml.precompiled_charsmap", Charsmap(nodes, "bb"u8.ToArray()));
                break;
            case "no-bos-but-add-bos-chatglm":
                // chatglm's pre-tokenizer has no default BOS; an out-of-range id keeps that default.
                writer.Add("tokenizer.ggml.pre", "chatglm-bpe").Add("tokenizer.ggml.bos_token_id", 100000u).Add("tokenizer.ggml.add_bos_token", true);
                break;
            default: throw new ArgumentException(edit);
        }

        return writer.ToArray();
    }

    private static byte[] Charsmap(uint[] nodes, byte[] strings)
    {
        var bytes = new byte[4 + 4 * nodes.Length + strings.Length];
        BitConverter.TryWriteBytes(bytes, (uint)(4 * nodes.Length));
        for (var i = 0; i < nodes.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 + 4 * i), nodes[i]);
        strings.CopyTo(bytes, 4 + 4 * nodes.Length);
        return bytes;
    }
}
