using Probing.ToyModels.Export;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Tests.Model;

namespace Probing.ToyModels.Tests.Export;

public sealed class GgufTokenizerMetadataTests
{
    [Fact]
    public void GivenTokensWithSpaces_WhenTokenizerMetadataIsBuilt_ThenPiecesUseTheSpmMarkerAndIdsStayPut()
    {
        var meta = GgufTokenizerMetadata.For(new ToyTokenizer(["a", "b c", " ", "<sep>"])).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal("llama", meta["tokenizer.ggml.model"]);
        Assert.Equal(["a", "b\u2581c", "\u2581", "<sep>"], (string[])meta["tokenizer.ggml.tokens"]);
        Assert.Equal([1, 1, 1, 1], (int[])meta["tokenizer.ggml.token_type"]);
        Assert.Equal(new float[4], (float[])meta["tokenizer.ggml.scores"]);
        Assert.Equal(0u, meta["tokenizer.ggml.bos_token_id"]);
        Assert.Equal(false, meta["tokenizer.ggml.add_bos_token"]);
        Assert.Equal(false, meta["tokenizer.ggml.add_space_prefix"]);
    }

    [Fact]
    public void GivenAModelAndItsTokenizer_WhenDescribed_ThenTokenizerKeysFollowTheModelKeys()
    {
        using var model = new HookedTransformer(TestConfigs.LlamaStyle);
        var tokenizer = ToyTokenizer.Numbered(model.Config.DVocab);

        var export = GgufExporter.Describe(model, tokenizer, "toy");

        var keys = export.Metadata.Select(kv => kv.Key).ToList();
        Assert.Equal(GgufExporter.Describe(model, "toy").Metadata.Select(kv => kv.Key), keys.Take(keys.Count - 10));
        Assert.Equal(GgufTokenizerMetadata.For(tokenizer).Select(kv => kv.Key), keys.Skip(keys.Count - 10));
    }

    [Fact]
    public void GivenATokenizerOfAnotherSize_WhenDescribed_ThenArgumentExceptionNamesBothSizes()
    {
        using var model = new HookedTransformer(TestConfigs.LlamaStyle);

        var ex = Assert.Throws<ArgumentException>(() => GgufExporter.Describe(model, ToyTokenizer.Numbered(model.Config.DVocab + 1), "toy"));

        Assert.Contains($"{model.Config.DVocab + 1} tokens", ex.Message);
        Assert.Contains($"d_vocab is {model.Config.DVocab}", ex.Message);
    }
}
