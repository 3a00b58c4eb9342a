using Probing.Gguf;
using Probing.IclHarness.Llama;
using Probing.IclHarness.Llama.Preflight;

namespace Probing.IclHarness.Tests.Gguf;

/// <summary>
/// The semantic preflight: every class of metadata that llama.cpp loads and then aborts on (<see cref="GgufAbortCorpus"/>,
/// found by reading its GGML_ASSERTs and by the semantic fuzzer, tests/Fuzz.Gguf --semantic) is refused with one line
/// naming the key, while well-formed models of every tokenizer kind pass and really run in llama.cpp.
/// </summary>
public sealed class PreflightTests
{
    private static readonly TinyLlamaConfig Config = new(NLayer: 1, NEmbd: 32, NHead: 2, NHeadKv: 1, NFf: 32, NCtx: 64);

    public static TheoryData<string> AbortCases => new(GgufAbortCorpus.Cases.Select(c => c.Name));

    public static TheoryData<string> Kinds => new(TinyVocabulary.Kinds);

    [Theory]
    [MemberData(nameof(AbortCases))]
    public void GivenMetadataLlamaCppAbortsOn_WhenPreflight_ThenOneLineNamesTheKey(string name)
    {
        var expected = GgufAbortCorpus.Cases.Single(c => c.Name == name).Expected;

        var reason = GgufFuzz.Preflight(GgufAbortCorpus.Build(name), "bad.gguf");

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
            Assert.True(tokens.Length >= 5, $"{kind}: {tokens.Length} tokens");
            using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 64, Threads = 1 });
            Assert.NotNull(context.Evaluate(tokens));
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
    public void GivenNormalizerTableWhoseLeafPointsInsideItsStrings_WhenPreflight_ThenAccepted()
    {
        var nodes = new uint[256];
        nodes[0] = 1u << 10;                           // root: BASE 1
        nodes[0x60] = (0x61u << 10) | (1u << 8) | 'a'; // 1 ^ 'a': LCHECK 'a', leaf, value node 0x60 ^ 0x61 = 1, offset 0
        var model = TinyLlamaBuilder.Build(Config, TinyVocabulary.Of("t5"))
            .Add("tokenizer.ggml.precompiled_charsmap", GgufAbortCorpus.Charsmap(nodes, "b\0"u8.ToArray())).ToArray();

        Assert.Null(GgufFuzz.Preflight(model));
    }

    [Fact]
    public void GivenNormalizerLeafWhoseValueNodeIsTheRoot_WhenPreflight_ThenItsOffsetIsOutOfBounds()
    {
        var nodes = new uint[256];
        nodes[0] = 1u << 10;
        nodes[0x60] = (0x60u << 10) | (1u << 8) | 'a'; // value node 0x60 ^ 0x60 = 0, whose value 1024 is past the strings
        var model = TinyLlamaBuilder.Build(Config, TinyVocabulary.Of("t5"))
            .Add("tokenizer.ggml.precompiled_charsmap", GgufAbortCorpus.Charsmap(nodes, "b\0"u8.ToArray())).ToArray();

        Assert.Contains("replacement at byte 1024", GgufFuzz.Preflight(model));
    }

    [Theory]
    [InlineData("llama.attention.layer_norm_epsilon", float.PositiveInfinity, "layer_norm_epsilon")]
    [InlineData("llama.rope.freq_base", float.NaN, "rope.freq_base")]
    [InlineData("llama.rope.scaling.factor", -2f, "rope.scaling.factor")]
    [InlineData("llama.rope.scaling.type", 1u, "rope.scaling.type")]
    [InlineData("llama.rope.dimension_count", 15u, "rope.dimension_count")]
    [InlineData("llama.attention.value_length", 8u, "value_length")]
    [InlineData("tokenizer.ggml.model", "sentencepiece", "tokenizer.ggml.model")]
    [InlineData("tokenizer.ggml.scores", new float[] { 0, 0, 0 }, "tokenizer.ggml.scores")]
    [InlineData("tokenizer.ggml.tokens", new[] { 1, 2, 3 }, "tokenizer.ggml.tokens")]
    public void GivenValueThatGivesNaNsOrThatAnotherArchitectureAssertsOn_WhenPreflight_ThenRefusedNamingTheKey(string key, object value, string expected)
    {
        var reason = GgufFuzz.Preflight(TinyLlamaBuilder.Build(Config).Add(key, value).ToArray());

        Assert.NotNull(reason);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
    }

    [Theory]
    [InlineData(1, "tokenizer.ggml.bos_token_id", "bos_token_id")] // SPM's default BOS 1 is outside a one-token vocabulary
    [InlineData(2, "tokenizer.ggml.eos_token_id", "eos_token_id")] // and its default EOS 2 outside a two-token one
    public void GivenSpmVocabularyWithoutTheSpecialTokenItAdds_WhenPreflight_ThenRefused(int count, string key, string expected)
    {
        var spm = TinyVocabulary.Of("llama");
        var writer = TinyLlamaBuilder.Build(Config, spm with { Tokens = spm.Tokens.Take(count).ToArray() })
            .Add(key, 100000u).Add("tokenizer.ggml.add_eos_token", true);

        Assert.Contains(expected, GgufFuzz.Preflight(writer.ToArray()));
    }

    [Theory]
    [InlineData("gemma4", "llama3", true)] // Gemma 4 has no default BOS and llama.cpp forces add_bos on
    [InlineData("gpt2", "gemma4", false)]  // add_bos forced on, but GPT-2's default BOS 11 exists
    [InlineData("gpt2", "glm4", false)]    // no default BOS, but add_bos_token is false
    public void GivenBpeVocabularyWithoutBos_WhenPreflight_ThenRefusedOnlyWhereLlamaCppAddsOne(string model, string pre, bool refused)
    {
        var writer = TinyLlamaBuilder.Build(Config, TinyVocabulary.Of("gpt2"))
            .Add("tokenizer.ggml.model", model).Add("tokenizer.ggml.pre", pre).Add("tokenizer.ggml.bos_token_id", 100000u);

        var reason = GgufFuzz.Preflight(writer.ToArray());

        if (refused) Assert.Contains("bos_token_id", reason);
        else Assert.Null(reason);
    }

    [Theory]
    [InlineData("llama.rope.scaling.type", "yarn")]
    [InlineData("llama.attention.layer_norm_rms_epsilon", 0f)]
    [InlineData("tokenizer.ggml.add_bos_token", false)]
    public void GivenUnusualButValidValues_WhenPreflight_ThenAccepted(string key, object value) =>
        Assert.Null(GgufFuzz.Preflight(TinyLlamaBuilder.Build(Config).Add(key, value).ToArray()));
}
