using Probing.ToyModels.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Model;

/// <summary>Golden lists: the hook names and order TransformerLens uses (REFERENCES.md).</summary>
public sealed class HookNameTests
{
    private static IEnumerable<string> LnBlock(int l) =>
    [
        $"blocks.{l}.hook_resid_pre", $"blocks.{l}.ln1.hook_scale", $"blocks.{l}.ln1.hook_normalized",
        $"blocks.{l}.attn.hook_q", $"blocks.{l}.attn.hook_k", $"blocks.{l}.attn.hook_v",
        $"blocks.{l}.attn.hook_attn_scores", $"blocks.{l}.attn.hook_pattern", $"blocks.{l}.attn.hook_z",
        $"blocks.{l}.hook_attn_out", $"blocks.{l}.hook_resid_mid",
        $"blocks.{l}.ln2.hook_scale", $"blocks.{l}.ln2.hook_normalized",
        $"blocks.{l}.mlp.hook_pre", $"blocks.{l}.mlp.hook_post", $"blocks.{l}.hook_mlp_out",
        $"blocks.{l}.hook_resid_post",
    ];

    private static IEnumerable<string> LlamaBlock(int l) =>
    [
        $"blocks.{l}.hook_resid_pre", $"blocks.{l}.ln1.hook_scale", $"blocks.{l}.ln1.hook_normalized",
        $"blocks.{l}.attn.hook_q", $"blocks.{l}.attn.hook_k", $"blocks.{l}.attn.hook_v",
        $"blocks.{l}.attn.hook_rot_q", $"blocks.{l}.attn.hook_rot_k",
        $"blocks.{l}.attn.hook_attn_scores", $"blocks.{l}.attn.hook_pattern", $"blocks.{l}.attn.hook_z",
        $"blocks.{l}.hook_attn_out", $"blocks.{l}.hook_resid_mid",
        $"blocks.{l}.ln2.hook_scale", $"blocks.{l}.ln2.hook_normalized",
        $"blocks.{l}.mlp.hook_pre", $"blocks.{l}.mlp.hook_pre_linear", $"blocks.{l}.mlp.hook_post", $"blocks.{l}.hook_mlp_out",
        $"blocks.{l}.hook_resid_post",
    ];

    public static TheoryData<string, string[]> Golden => new()
    {
        { "two-layer LN", ["hook_embed", "hook_pos_embed", .. LnBlock(0), .. LnBlock(1), "ln_final.hook_scale", "ln_final.hook_normalized"] },
        {
            "attn-only",
            [
                "hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre",
                "blocks.0.attn.hook_q", "blocks.0.attn.hook_k", "blocks.0.attn.hook_v",
                "blocks.0.attn.hook_attn_scores", "blocks.0.attn.hook_pattern", "blocks.0.attn.hook_z",
                "blocks.0.hook_attn_out", "blocks.0.hook_resid_post",
            ]
        },
        { "llama-style", ["hook_embed", .. LlamaBlock(0), .. LlamaBlock(1), "ln_final.hook_scale", "ln_final.hook_normalized"] },
    };

    private static HookedTransformerConfig Config(string name) => name switch
    {
        "two-layer LN" => TestConfigs.TwoLayerLn,
        "attn-only" => TestConfigs.AttnOnly,
        _ => TestConfigs.LlamaStyle,
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void GivenAConfig_WhenTheModelIsBuilt_ThenItsHookNamesAreTransformerLenssInOrder(string config, string[] expected)
    {
        using var model = new HookedTransformer(Config(config));
        Assert.Equal(expected, model.HookNames);
    }

    [Theory]
    [MemberData(nameof(Golden))]
    public void GivenAConfig_WhenItRunsWithCache_ThenHooksFireInTheGoldenOrder(string config, string[] expected)
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(Config(config));
        var (_, cache) = model.RunWithCache(randint(0, 7, [1, 6], dtype: ScalarType.Int64));
        using (cache) Assert.Equal(expected, cache.Keys);
    }

    [Fact]
    public void GivenTheTwoLayerModel_WhenCached_ThenShapesAreTransformerLenss()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        var (logits, cache) = model.RunWithCache(randint(0, 7, [3, 5], dtype: ScalarType.Int64));
        using (cache)
        {
            Assert.Equal([3L, 5, 7], logits.shape);
            Assert.Equal([3L, 5, 8], cache["hook_embed"].shape);
            Assert.Equal([3L, 5, 8], cache["hook_pos_embed"].shape);
            Assert.Equal([3L, 5, 1], cache["blocks.0.ln1.hook_scale"].shape);
            Assert.Equal([3L, 5, 2, 4], cache["blocks.1.attn.hook_q"].shape);
            Assert.Equal([3L, 5, 2, 4], cache["blocks.1.attn.hook_z"].shape);
            Assert.Equal([3L, 2, 5, 5], cache["blocks.0.attn.hook_attn_scores"].shape);
            Assert.Equal([3L, 2, 5, 5], cache["blocks.0.attn.hook_pattern"].shape);
            Assert.Equal([3L, 5, 16], cache["blocks.1.mlp.hook_post"].shape);
            Assert.Equal([3L, 5, 8], cache["ln_final.hook_normalized"].shape);
            var scores = cache["blocks.0.attn.hook_attn_scores"];
            Assert.True(double.IsNegativeInfinity(scores[0, 0, 0, 1].item<float>())); // masked future, as TransformerLens
            var rows = cache["blocks.0.attn.hook_pattern"].sum(-1);
            Assert.True(rows.allclose(ones_like(rows), rtol: 0, atol: 1e-5));
        }
    }
}
