using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tests.BetaBernoulli;

public sealed class BetaBernoulliSamplerTests
{
    [Fact]
    public void GivenBos_WhenSampling_ThenTokensAreBosThenFlipsAndTargetsAreTheNextFlips()
    {
        var data = new BetaBernoulliDataOptions { NCtx = 6, Bos = true };
        var batch = new BetaBernoulliSampler(data).Sample(50, new Random(1));
        for (var b = 0; b < batch.Batch; b++)
        {
            Assert.Equal(BetaBernoulliDataOptions.BosToken, batch.Tokens[b * 6]);
            for (var j = 1; j < 6; j++) Assert.Equal(batch.Targets[b * 6 + j - 1], batch.Tokens[b * 6 + j]);
            Assert.InRange(batch.Targets[b * 6 + 5], 0, 1);
        }
    }

    [Fact]
    public void GivenNoBos_WhenSampling_ThenTheLastPositionIsIgnored()
    {
        var data = new BetaBernoulliDataOptions { NCtx = 5, Bos = false };
        var batch = new BetaBernoulliSampler(data).Sample(20, new Random(2));
        for (var b = 0; b < batch.Batch; b++)
        {
            Assert.Equal(BetaBernoulliDataOptions.IgnoreTarget, batch.Targets[b * 5 + 4]);
            for (var j = 0; j < 4; j++) Assert.Equal(batch.Tokens[b * 5 + j + 1], batch.Targets[b * 5 + j]);
        }

        Assert.Equal(2, data.DVocab);
        Assert.Equal(4, data.PredictedPositions);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(2.0, 5.0)]
    [InlineData(0.5, 0.5)]
    public void GivenABetaPrior_WhenSamplingManySequences_ThenBiasMomentsAndHeadCountsMatchTheBetaBinomial(double alpha, double beta)
    {
        var data = new BetaBernoulliDataOptions { Alpha = alpha, Beta = beta, NCtx = 5, Bos = true };
        const int count = 40000;
        var batch = new BetaBernoulliSampler(data).Sample(count, new Random(42));
        var mean = batch.P.Average();
        var variance = batch.P.Sum(p => (p - mean) * (p - mean)) / count;
        var s = alpha + beta;
        Assert.InRange(mean, alpha / s - 0.006, alpha / s + 0.006);
        Assert.InRange(variance, alpha * beta / (s * s * (s + 1)) * 0.95, alpha * beta / (s * s * (s + 1)) * 1.05);

        // Heads among the 5 targets follow BetaBinomial(5, α, β): each frequency within 5 standard errors.
        var freq = new double[6];
        for (var b = 0; b < count; b++) freq[Enumerable.Range(0, 5).Count(j => batch.Targets[b * 5 + j] == 1)]++;
        for (var h = 0; h <= 5; h++)
        {
            var expected = Probing.Bayes.BetaBernoulli.BetaBinomialProbability(h, 5, alpha, beta);
            var se = Math.Sqrt(expected * (1 - expected) / count);
            Assert.InRange(freq[h] / count, expected - 5 * se, expected + 5 * se);
        }
    }

    [Fact]
    public void GivenAMixture_WhenSampling_ThenTheBiasMeanIsTheWeightedComponentMean()
    {
        var data = new BetaBernoulliDataOptions { NCtx = 3, Mixture = BetaBernoulliDataOptions.ParseMixture("0.5:1:1,0.5:10:2") };
        var batch = new BetaBernoulliSampler(data).Sample(40000, new Random(7));
        var expected = 0.5 * 0.5 + 0.5 * 10.0 / 12.0;
        Assert.InRange(batch.P.Average(), expected - 0.006, expected + 0.006);
        Assert.Equal(0, new BetaBernoulliSampler(data).Sample(1, new Random(9)).Tokens[0] - BetaBernoulliDataOptions.BosToken);
    }

    [Fact]
    public void GivenTheSameSeed_WhenSamplingTwice_ThenBatchesAreIdentical()
    {
        var sampler = new BetaBernoulliSampler(new BetaBernoulliDataOptions());
        Assert.Equal(sampler.Sample(8, new Random(3)).Tokens, sampler.Sample(8, new Random(3)).Tokens);
    }

    [Theory]
    [InlineData("1:1")]
    [InlineData("a:1:1")]
    [InlineData("")]
    public void GivenAMalformedMixture_WhenParsing_ThenFormatException(string text) =>
        Assert.Throws<FormatException>(() => BetaBernoulliDataOptions.ParseMixture(text));

    [Fact]
    public void GivenANonPositivePrior_WhenValidating_ThenArgumentException() =>
        Assert.Throws<ArgumentException>(() => new BetaBernoulliSampler(new BetaBernoulliDataOptions { Alpha = 0 }));
}
