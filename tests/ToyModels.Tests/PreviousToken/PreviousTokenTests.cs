using Probing.ToyModels.Tasks.PreviousToken;

namespace Probing.ToyModels.Tests.PreviousToken;

public sealed class PreviousTokenTests
{
    [Fact]
    public void GivenBos_WhenSampling_ThenTargetsAreThePreviousTokenAndOnlyRandomPredecessorsAreScored()
    {
        var options = new PreviousTokenDataOptions { Vocab = 5, NCtx = 8, Bos = true };
        var (tokens, targets, mask) = PreviousTokenSampler.Sample(options, 200, new Random(1));
        var counts = new int[5];
        for (var b = 0; b < 200; b++)
        {
            Assert.Equal(5, tokens[b * 8]);
            Assert.Equal(0f, mask[b * 8]);
            Assert.Equal(0f, mask[b * 8 + 1]);
            for (var t = 1; t < 8; t++)
            {
                Assert.Equal(tokens[b * 8 + t - 1], targets[b * 8 + t]);
                if (t >= 2) Assert.Equal(1f, mask[b * 8 + t]);
                counts[tokens[b * 8 + t]]++;
            }
        }

        // 1400 uniform draws over 5 tokens: each count within 5 standard deviations of 280.
        Assert.All(counts, c => Assert.InRange(c, 280 - 5 * 15, 280 + 5 * 15));
    }

    [Fact]
    public void GivenAPerfectAndAUniformPredictor_WhenScoringByPosition_ThenAccuracyAndLossAreKnown()
    {
        var options = new PreviousTokenDataOptions { Vocab = 4, NCtx = 6, Bos = false };
        var (tokens, targets, mask) = PreviousTokenSampler.Sample(options, 50, new Random(2));
        var perfect = new float[50 * 6 * 4];
        for (var i = 0; i < 50 * 6; i++) perfect[i * 4 + targets[i]] = 30f;
        var good = PositionMetrics.Compute(perfect, targets, mask, 50, 6, 4);
        Assert.Equal(1.0, good.MeanAccuracy);
        Assert.InRange(good.MeanLoss, 0, 1e-9);
        Assert.True(double.IsNaN(good.Loss[0]));

        var uniform = PositionMetrics.Compute(new float[50 * 6 * 4], targets, mask, 50, 6, 4);
        Assert.Equal(Math.Log(4), uniform.MeanLoss, 6);
        Assert.All(uniform.Loss.Skip(1), l => Assert.Equal(Math.Log(4), l, 6));
        Assert.Equal(tokens.Length, targets.Length);
    }

    [Fact]
    public void GivenHandBuiltPatterns_WhenSummarising_ThenPreviousTokenScoreAndCountingDeviationAreExact()
    {
        const int n = 5, batch = 3, heads = 2;
        var patterns = new float[batch * heads * n * n];
        for (var b = 0; b < batch; b++)
        {
            for (var q = 0; q < n; q++)
            {
                // Head 0: exactly the previous token (position 0 attends to itself). Head 1: uniform over k ≤ q.
                patterns[((b * heads + 0) * n + q) * n + Math.Max(0, q - 1)] = 1f;
                for (var k = 0; k <= q; k++) patterns[((b * heads + 1) * n + q) * n + k] = 1f / (q + 1);
            }
        }

        var summary = AttentionSummary.FromPatterns(0, patterns, batch, heads, n);
        Assert.Equal(1.0, summary[0].PreviousTokenScore, 9);
        Assert.Equal(0.0, summary[1].UniformDeviation, 6);
        Assert.True(summary[0].UniformDeviation > 0.1);
        Assert.Equal((0.5 + 1.0 / 3 + 0.25 + 0.2) / 4, summary[1].PreviousTokenScore, 6);
    }
}
