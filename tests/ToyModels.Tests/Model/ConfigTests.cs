using Probing.ToyModels.Model;

namespace Probing.ToyModels.Tests.Model;

public sealed class ConfigTests
{
    [Fact]
    public void GivenAConfig_WhenSerialized_ThenTransformerLensNamesAppearAndItRoundTrips()
    {
        var cfg = TestConfigs.LlamaStyle with { RotaryDim = 2, TieEmbeddings = true };
        var json = cfg.ToJson();
        foreach (var key in new[] { "\"n_layers\"", "\"d_model\"", "\"d_head\"", "\"n_heads\"", "\"d_mlp\"", "\"d_vocab\"", "\"n_ctx\"", "\"act_fn\"", "\"normalization_type\"", "\"positional_embedding_type\"", "\"attn_only\"", "\"gated_mlp\"", "\"final_norm\"", "\"seed\"", "\"init_range\"" })
            Assert.Contains(key, json);
        Assert.Equal(cfg, HookedTransformerConfig.FromJson(json));
    }

    [Fact]
    public void GivenTransformerLensStyleJson_WhenParsed_ThenNullNormalizationMeansNone()
    {
        var cfg = HookedTransformerConfig.FromJson("""{"n_layers": 1, "d_model": 32, "d_head": 16, "n_heads": 1, "d_mlp": 20, "d_vocab": 75, "n_ctx": 50, "act_fn": "relu", "normalization_type": null}""");
        Assert.Null(cfg.NormalizationType);
        using var model = new HookedTransformer(cfg);
        Assert.DoesNotContain(model.HookNames, n => n.Contains("ln", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"d_model": 0}""", "d_model")]
    [InlineData("""{"act_fn": "tanh"}""", "act_fn")]
    [InlineData("""{"normalization_type": "BN"}""", "normalization_type")]
    [InlineData("""{"positional_embedding_type": "alibi"}""", "positional_embedding_type")]
    [InlineData("""{"positional_embedding_type": "rotary", "d_head": 4, "rotary_dim": 3}""", "rotary_dim")]
    [InlineData("""{"attn_only": true, "gated_mlp": true}""", "gated_mlp")]
    [InlineData("""{"tie_embeddings": true, "d_vocab_out": 3}""", "tie_embeddings")]
    public void GivenAnInvalidField_WhenParsed_ThenAOneLineErrorNamesIt(string json, string field)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => HookedTransformerConfig.FromJson(json));
        Assert.Contains(field, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("""{"n_layer": 2}""")]
    [InlineData("""{"n_layers": "two"}""")]
    [InlineData("not json")]
    public void GivenMalformedJson_WhenParsed_ThenFormatException(string json)
    {
        var ex = Assert.Throws<FormatException>(() => HookedTransformerConfig.FromJson(json));
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void GivenAFixedLogEmbedding_WhenBuilt_ThenItIsFrozenLogShapedAndReplaceable()
    {
        var cfg = new HookedTransformerConfig { DModel = 2, DHead = 1, DMlp = 16, DVocab = 2, NCtx = 20, PositionalEmbeddingType = "fixed" };
        using var model = new HookedTransformer(cfg);
        Assert.False(model.pos_embed!.W_pos.requires_grad);
        Assert.Equal(Math.Log(10), model.W_pos![9, 1].item<float>(), 5);
        Assert.Equal(0f, model.W_pos![9, 0].item<float>());
        model.SetFixedPositionalEmbedding(TorchSharp.torch.zeros(20, 2));
        Assert.Equal(0f, model.W_pos!.abs().sum().item<float>());
    }

    [Fact]
    public void GivenAConfigFile_WhenSavedAndLoaded_ThenItIsTheSame()
    {
        var dir = Directory.CreateTempSubdirectory("cfg-");
        try
        {
            var path = Path.Combine(dir.FullName, "config.json");
            TestConfigs.TwoLayerLn.Save(path);
            Assert.Equal(TestConfigs.TwoLayerLn, HookedTransformerConfig.Load(path));
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temporary left behind
            Assert.Throws<FileNotFoundException>(() => HookedTransformerConfig.Load(Path.Combine(dir.FullName, "missing.json")));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void GivenTransformerLensInitializerRange_WhenParsed_ThenItSetsInitRangeAndIsNotWrittenBack()
    {
        var cfg = HookedTransformerConfig.FromJson("""{"initializer_range": 0.05}""");
        Assert.Equal(0.05, cfg.InitRange);
        Assert.DoesNotContain("initializer_range", cfg.ToJson());
    }

    [Fact]
    public void GivenALlamaStyleConfig_WhenWrittenForTransformerLens_ThenOnlyItsKeysAppear()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(TestConfigs.LlamaStyle.ToTransformerLensJson())!.AsObject();
        Assert.Equal(0.8 / Math.Sqrt(8), (double)json["initializer_range"]!, 10);
        Assert.Equal("rotary", (string?)json["positional_embedding_type"]);
        Assert.Equal(4, (int)json["rotary_dim"]!);
        Assert.False((bool)json["default_prepend_bos"]!);
        Assert.DoesNotContain("use_bias", json.Select(kv => kv.Key));
        Assert.DoesNotContain("init_range", json.Select(kv => kv.Key));
        Assert.Throws<NotSupportedException>(() => (TestConfigs.LlamaStyle with { TieEmbeddings = true }).ToTransformerLensJson());
    }
}
