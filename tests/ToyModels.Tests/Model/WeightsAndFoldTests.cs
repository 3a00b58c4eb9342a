using Probing.ToyModels.Model;
using TorchSharp;
using static Probing.ToyModels.Tests.Model.ModelTestHelpers;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Model;

public sealed class WeightsAndFoldTests
{
    public static TheoryData<string> NormalizedConfigs => ["LN", "RMS-gated", "LN-rotary-silu", "LN-no-positions", "LN-frozen-zero-positions"];

    private static HookedTransformerConfig Config(string name) => name switch
    {
        "LN" => TestConfigs.TwoLayerLn,
        "RMS-gated" => TestConfigs.LlamaStyle,
        "LN-no-positions" => TestConfigs.TwoLayerLn with { PositionalEmbeddingType = "none" },
        "LN-frozen-zero-positions" => TestConfigs.TwoLayerLn with { PositionalEmbeddingType = "fixed", FixedPosEmbed = "zeros" },
        _ => TestConfigs.TwoLayerLn with { PositionalEmbeddingType = "rotary", ActFn = "silu", DVocabOut = 5 },
    };

    [Theory]
    [MemberData(nameof(NormalizedConfigs))]
    public void GivenANormalizedModel_WhenLayerNormIsFolded_ThenLogitsAreUnchangedAndNormsLoseTheirWeights(string config)
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(Config(config));
        RandomizeAll(model, 11);
        var tokens = Tokens(3, 6, 7, 9);
        using var folded = model.FoldLayerNorm();
        AssertClose(model.Run(tokens), folded.Run(tokens), atol: 1e-4);
        Assert.Contains(folded.Config.NormalizationType, new[] { "LNPre", "RMSPre" });
        Assert.DoesNotContain(folded.named_parameters(), p => p.name.EndsWith(".w", StringComparison.Ordinal) || p.name.EndsWith(".b", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAFoldedLnModel_WhenTheLogitLensReachesTheEnd_ThenItReproducesTheLogits()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        RandomizeAll(model, 12);
        using var folded = model.FoldLayerNorm();
        var (logits, cache) = folded.RunWithCache(Tokens(2, 6, 7, 3));
        using (cache)
        {
            var (stack, labels) = cache.AccumulatedResid(applyLn: true, inclMid: true);
            Assert.Equal(["0_pre", "0_mid", "1_pre", "1_mid", "final_post"], labels);
            var lens = matmul(stack, folded.W_U) + folded.b_U; // [components, batch, pos, d_vocab]
            AssertClose(logits, lens[-1], atol: 1e-4);

            var (atPos, _) = cache.AccumulatedResid(layer: 1, pos: -1);
            Assert.Equal([2L, 2, 8], atPos.shape); // 0_pre, 1_pre at the last position
            AssertClose(cache["blocks.1.hook_resid_pre"].select(1, 5), atPos[1]);
        }
    }

    [Fact]
    public void GivenACache_WhenTheResidualIsDecomposed_ThenComponentsSumToIt()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        RandomizeAll(model, 13);
        var (_, cache) = model.RunWithCache(Tokens(2, 6, 7, 4));
        using (cache)
        {
            var (parts, labels) = cache.DecomposeResid();
            Assert.Equal(["embed", "pos_embed", "0_attn_out", "0_mlp_out", "1_attn_out", "1_mlp_out"], labels);
            AssertClose(cache["blocks.1.hook_resid_post"], parts.sum([0]));
            var (mid, midLabels) = cache.DecomposeResid(layer: 1, mlpInput: true);
            Assert.Equal(["embed", "pos_embed", "0_attn_out", "0_mlp_out", "1_attn_out"], midLabels);
            AssertClose(cache["blocks.1.hook_resid_mid"], mid.sum([0]));
        }
    }

    [Fact]
    public void GivenACache_WhenHeadResultsAreStacked_ThenTheySumToAttentionOutputMinusBias()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        RandomizeAll(model, 14);
        var (_, cache) = model.RunWithCache(Tokens(2, 6, 7, 5));
        using (cache)
        {
            var (heads, labels) = cache.StackHeadResults(layer: 1);
            Assert.Equal(["L0H0", "L0H1"], labels);
            using var _ = no_grad();
            AssertClose(cache["blocks.0.hook_attn_out"] - model.blocks[0].attn.b_O, heads.sum([0]));
            var (withRest, restLabels) = cache.StackHeadResults(inclRemainder: true);
            Assert.Equal("remainder", restLabels[^1]);
            AssertClose(cache["blocks.1.hook_resid_post"], withRest.sum([0]));
        }
    }

    [Fact]
    public void GivenAFoldedModel_WhenLogitAttrsOfTheDecompositionAreSummed_ThenTheyGiveTheLogitDifference()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.TwoLayerLn);
        RandomizeAll(model, 15);
        using var folded = model.FoldLayerNorm();
        var (logits, cache) = folded.RunWithCache(Tokens(3, 6, 7, 6));
        using (cache)
        {
            var (parts, _) = cache.DecomposeResid(pos: -1);
            var attrs = cache.LogitAttrs(parts, token: 2, incorrectToken: 5, pos: -1); // [components, batch]
            using var _ = no_grad();
            var last = logits.select(1, 5);
            var diff = last.select(-1, 2) - last.select(-1, 5) - (folded.b_U[2] - folded.b_U[5]);
            AssertClose(diff, attrs.sum([0]), atol: 1e-4);
        }
    }

    [Fact]
    public void GivenAModel_WhenCircuitsAreComputed_ThenTheyMatchBruteForceProducts()
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(TestConfigs.AttnOnly with { DVocabOut = 5 });
        RandomizeAll(model, 16);
        using var _ = no_grad();
        var attn = model.blocks[0].attn;
        var qk = model.QKCircuit(0);
        var ov = model.OVCircuit(0);
        var pqk = model.PositionalQKCircuit(0);
        Assert.Equal([2L, 7, 7], qk.shape);
        Assert.Equal([2L, 7, 5], ov.shape);
        Assert.Equal([2L, 6, 6], pqk.shape);
        var wE = model.W_E.data<float>().ToArray();
        var wPos = model.W_pos!.data<float>().ToArray();
        var wQ = attn.W_Q.data<float>().ToArray();
        var wK = attn.W_K.data<float>().ToArray();
        var wV = attn.W_V.data<float>().ToArray();
        var wO = attn.W_O.data<float>().ToArray();
        var wU = model.W_U.contiguous().data<float>().ToArray();
        const int m = 8, d = 4;
        double Q(float[] e, int row, int h, int j) { double s = 0; for (var k = 0; k < m; k++) s += e[row * m + k] * wQ[(h * m + k) * d + j]; return s; }
        double K(float[] e, int row, int h, int j) { double s = 0; for (var k = 0; k < m; k++) s += e[row * m + k] * wK[(h * m + k) * d + j]; return s; }
        for (var h = 0; h < 2; h++)
        {
            for (int a = 0; a < 7; a++)
                for (int b = 0; b < 7; b++)
                {
                    double s = 0;
                    for (var j = 0; j < d; j++) s += Q(wE, a, h, j) * K(wE, b, h, j);
                    Assert.Equal(s, qk[h, a, b].item<float>(), 3);
                }
            for (int p = 0; p < 6; p++)
                for (int q = 0; q < 6; q++)
                {
                    double s = 0;
                    for (var j = 0; j < d; j++) s += Q(wPos, p, h, j) * K(wPos, q, h, j);
                    Assert.Equal(s, pqk[h, p, q].item<float>(), 3);
                }
            for (int a = 0; a < 7; a++)
                for (int u = 0; u < 5; u++)
                {
                    double s = 0;
                    for (var j = 0; j < d; j++)
                    {
                        double v = 0;
                        for (var k = 0; k < m; k++) v += wE[a * m + k] * wV[(h * m + k) * d + j];
                        for (var k = 0; k < m; k++) s += v * wO[(h * d + j) * m + k] * wU[k * 5 + u];
                    }
                    Assert.Equal(s, ov[h, a, u].item<float>(), 3);
                }
        }
    }
}
