using Probing.ToyModels.Model;
using TorchSharp;
using static Probing.ToyModels.Tests.Model.ModelTestHelpers;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Model;

public sealed class RunAndHookTests
{
    [Fact]
    public void GivenTheSameSeed_WhenBuiltTwice_ThenWeightsAreIdenticalAndAnotherSeedDiffers()
    {
        using var scope = NewDisposeScope();
        using var a = new HookedTransformer(TestConfigs.TwoLayerLn);
        using var b = new HookedTransformer(TestConfigs.TwoLayerLn);
        using var c = new HookedTransformer(TestConfigs.TwoLayerLn with { Seed = 99 });
        Assert.True(a.W_Q.equal(b.W_Q).all().item<bool>());
        Assert.True(a.W_E.equal(b.W_E).all().item<bool>());
        Assert.False(a.W_E.equal(c.W_E).all().item<bool>());
        var std = a.W_in.std().item<float>();
        Assert.InRange(std, 0.8 / Math.Sqrt(8) * 0.7, 0.8 / Math.Sqrt(8) * 1.3); // TransformerLens's 0.8/sqrt(d_model)
    }

    [Fact]
    public void GivenAModel_WhenParametersAreListed_ThenNamesAndShapesAreTransformerLenss()
    {
        using var model = new HookedTransformer(TestConfigs.LlamaStyle with { TieEmbeddings = false });
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal([7L, 8], shapes["embed.W_E"]);
        Assert.Equal([2L, 8, 4], shapes["blocks.1.attn.W_Q"]);
        Assert.Equal([2L, 4, 8], shapes["blocks.1.attn.W_O"]);
        Assert.Equal([2L, 4], shapes["blocks.0.attn.b_K"]);
        Assert.Equal([8L, 12], shapes["blocks.0.mlp.W_gate"]);
        Assert.Equal([12L, 8], shapes["blocks.0.mlp.W_out"]);
        Assert.Equal([8L], shapes["blocks.0.ln1.w"]);
        Assert.Equal([8L], shapes["ln_final.w"]);
        Assert.Equal([8L, 7], shapes["unembed.W_U"]);
        Assert.False(model.named_parameters().Single(p => p.name == "blocks.0.attn.b_Q").parameter.requires_grad); // no biases: frozen zeros
        Assert.Equal([2L, 2, 8, 4], model.W_K.shape);
    }

    [Fact]
    public void GivenHooksThatRecord_WhenCached_ThenTheCacheEqualsWhatTheHooksSaw()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.LlamaStyle);
        var tokens = Tokens(2, 6, 7, 5);
        var seen = new Dictionary<string, Tensor>();
        var hooks = model.HookNames.Select(n => (n, (Func<Tensor, string, Tensor?>)((t, name) =>
        {
            seen[name] = t.clone();
            return null;
        }))).ToArray();
        var hooked = model.RunWithHooks(tokens, hooks);
        var (logits, cache) = model.RunWithCache(tokens);
        using (cache)
        {
            Assert.Equal(model.HookNames, cache.Keys);
            foreach (var name in model.HookNames) Assert.True(seen[name].equal(cache[name]).all().item<bool>(), name);
            Assert.True(hooked.equal(logits).all().item<bool>());
        }
        Assert.All(model.HookPoints.Values, h => Assert.Equal(0, h.HookCount));
    }

    [Fact]
    public void GivenAHookThatThrows_WhenRun_ThenEveryHookIsRemovedAnyway()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        Assert.Throws<InvalidOperationException>(() => model.RunWithHooks(Tokens(1, 4, 7, 1),
            ("blocks.0.hook_resid_pre", (_, _) => null),
            ("blocks.1.attn.hook_pattern", (_, _) => throw new InvalidOperationException("boom"))));
        Assert.All(model.HookPoints.Values, h => Assert.Equal(0, h.HookCount));
        Assert.Throws<ArgumentException>(() => model.RunWithHooks(Tokens(1, 4, 7, 1), ("blocks.9.hook_nothing", (_, _) => null)));
    }

    [Fact]
    public void GivenAnAttnOnlyModel_WhenAttentionOutputIsZeroed_ThenLogitsAreTheDirectPath()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.AttnOnly);
        RandomizeAll(model, 7);
        var tokens = Tokens(3, 6, 7, 2);
        var patched = model.RunWithHooks(tokens, ("blocks.0.hook_attn_out", (t, _) => zeros_like(t)));
        using var _ = no_grad();
        var direct = matmul(model.W_E[tokens] + model.W_pos!.narrow(0, 0, 6), model.W_U) + model.b_U; // [batch, pos, d_vocab]
        AssertClose(direct, patched);
        Assert.False(model.Run(tokens).allclose(patched)); // the attention path mattered
    }

    [Fact]
    public void GivenAPatchedPattern_WhenEveryQueryAttendsToItself_ThenZEqualsV()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        var tokens = Tokens(2, 5, 7, 3);
        var (_, cache) = model.RunWithCache(tokens, n => n.StartsWith("blocks.0.attn", StringComparison.Ordinal),
            ("blocks.0.attn.hook_pattern", (t, _) => eye(5).expand(t.shape)));
        using (cache) AssertClose(cache["blocks.0.attn.hook_v"], cache["blocks.0.attn.hook_z"]);
    }

    [Fact]
    public void GivenACausalModel_WhenALaterTokenChanges_ThenEarlierLogitsDoNot()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.LlamaStyle);
        var a = Tokens(1, 6, 7, 4);
        var b = a.clone();
        b[0, 5] = (a[0, 5] + 1) % 7;
        AssertClose(model.Run(a).narrow(1, 0, 5), model.Run(b).narrow(1, 0, 5), atol: 1e-6);
    }

    [Fact]
    public void GivenBadTokens_WhenRun_ThenOneLineArgumentExceptions()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        Assert.Contains("n_ctx", Assert.Throws<ArgumentException>(() => model.Run(Tokens(1, 7, 7, 1))).Message);
        Assert.Contains("d_vocab", Assert.Throws<ArgumentException>(() => model.Run(full([1, 3], 7L, ScalarType.Int64))).Message);
        Assert.Contains("[batch, pos]", Assert.Throws<ArgumentException>(() => model.Run(zeros([3], ScalarType.Int64))).Message);
    }
}
