using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class BetaMixtureTests
{
    private static readonly BetaMixture UniformAndSkewed = new([0.5, 0.5], [new BetaPosterior(1, 1), new BetaPosterior(10, 2)]);

    [Fact]
    public void GivenSingleComponent_WhenLossAndPredictive_ThenEqualsBetaBernoulli()
    {
        var mixture = new BetaMixture([3.0], [new BetaPosterior(2, 3)]);
        Assert.Equal(BetaBernoulli.MeanLoss(30, 2, 3), mixture.MeanLoss(30), 12);
        Assert.Equal(BetaBernoulli.Predictive(4, 9, 2, 3), mixture.Predictive(4, 9), 14);
        Assert.Equal(BetaBernoulli.KnownPFloor(2, 3), mixture.KnownPFloor(), 14);
    }

    [Property(MaxTest = 50)]
    public bool GivenMixture_WhenLossAtPosition_ThenEqualsEnumerationWithSequentialPredictives(int seedW, int seedI)
    {
        var w = 0.05 + (uint)seedW % 90 / 100.0;
        var mixture = new BetaMixture([w, 1 - w], [new BetaPosterior(1, 1), new BetaPosterior(10, 2)]);
        var i = (int)((uint)seedI % 9);
        var expected = 0.0;
        for (var bits = 0; bits < 1 << i; bits++)
        {
            // The sequence probability under the mixture, from its own definition: Σ_k w_k B(h+α,n−h+β)/B(α,β).
            var heads = 0;
            for (var j = 0; j < i; j++) heads += (bits >> j) & 1;
            var probability = 0.0;
            for (var k = 0; k < 2; k++)
            {
                var c = mixture.Components[k];
                probability += mixture.Weights[k] * Math.Exp(SpecialFunctions.LogBeta(heads + c.Alpha, i - heads + c.Beta) - SpecialFunctions.LogBeta(c.Alpha, c.Beta));
            }

            expected += probability * SpecialFunctions.BinaryEntropy(mixture.Predictive(heads, i));
        }

        return Math.Abs(expected - mixture.ExpectedLossAtPosition(i)) < 1e-12;
    }

    [Fact]
    public void GivenMixture_WhenPredictive_ThenEqualsRatioOfMarginalLikelihoods()
    {
        // P(next=1 | H, N) = P(H+1 heads in a specific N+1 sequence) / P(specific N sequence).
        const int heads = 7, n = 9;
        double Marginal(int h, int m) => UniformAndSkewed.Weights.Zip(UniformAndSkewed.Components)
            .Sum(pair => pair.First * Math.Exp(SpecialFunctions.LogBeta(h + pair.Second.Alpha, m - h + pair.Second.Beta) - SpecialFunctions.LogBeta(pair.Second.Alpha, pair.Second.Beta)));
        Assert.Equal(Marginal(heads + 1, n + 1) / Marginal(heads, n), UniformAndSkewed.Predictive(heads, n), 12);
    }

    [Fact]
    public void GivenMixture_WhenMeanLoss_ThenBetweenFloorAndLn2AndPosteriorFavoursTheMatchingPrior()
    {
        var loss = UniformAndSkewed.MeanLoss(20);
        Assert.True(loss > UniformAndSkewed.KnownPFloor());
        Assert.True(loss < Math.Log(2));
        var posterior = UniformAndSkewed.ComponentPosterior(18, 20);
        Assert.True(posterior[1] > posterior[0], "many heads should favour Beta(10,2)");
        Assert.Equal(1.0, posterior.Sum(), 14);
    }

    [Fact]
    public void GivenMismatchedWeights_WhenCreated_ThenArgumentException() =>
        Assert.Throws<ArgumentException>(() => new BetaMixture([1.0], [new BetaPosterior(1, 1), new BetaPosterior(2, 2)]));
}
