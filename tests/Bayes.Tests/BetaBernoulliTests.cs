using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class BetaBernoulliTests
{
    [Theory]
    [InlineData(10, 0.5854)]
    [InlineData(20, 0.5574)]
    [InlineData(30, 0.5443)]
    [InlineData(50, 0.5314)]
    [InlineData(100, 0.5190)]
    [InlineData(200, 0.5112)]
    public void GivenUniformPrior_WhenMeanLossOverLength_ThenMatchesReferenceTableTo1e4(int length, double expected) =>
        Assert.True(Math.Abs(BetaBernoulli.MeanLoss(length, 1, 1) - expected) < 1e-4,
            $"N={length}: {BetaBernoulli.MeanLoss(length, 1, 1):F6} vs {expected}");

    [Fact]
    public void GivenUniformPrior_WhenFirstPositions_ThenLn2ThenExactSecondPosition()
    {
        var loss = BetaBernoulli.PerPositionLoss(2, 1, 1);
        Assert.Equal(Math.Log(2), loss[0], 14);
        // After one flip the predictive is 2/3 or 1/3, each with probability 1/2.
        Assert.Equal(SpecialFunctions.BinaryEntropy(2.0 / 3.0), loss[1], 14);
    }

    [Property(MaxTest = 200)]
    public bool GivenAHugeOrTinyPrior_WhenMeanLoss_ThenItIsFiniteAndNotBelowTheKnownPFloor(int seedA, int seedB, int seedN)
    {
        // α, β from 1e-3 to 1e20: where ln B(α, β) differences and ψ differences cancel (issue #14.6).
        var alpha = Math.Pow(10, -3 + (uint)seedA % 2400 / 100.0);
        var beta = Math.Pow(10, -3 + (uint)seedB % 2400 / 100.0);
        var length = 1 + (int)((uint)seedN % 40);
        var mean = BetaBernoulli.MeanLoss(length, alpha, beta);
        var floor = BetaBernoulli.KnownPFloor(alpha, beta);
        // The gap is positive (Jensen); 1e-12 relative covers the last bits of both sums.
        return double.IsFinite(mean) && double.IsFinite(floor) && floor >= 0 && mean <= Math.Log(2) + 1e-15 && mean >= floor * (1 - 1e-12);
    }

    [Theory]
    [InlineData(1e13, 1e13)]
    [InlineData(1e20, 1.0)]
    [InlineData(1e9, 0.5)]
    [InlineData(1e300, 1e300)]
    [InlineData(1e300, 1.0)]
    public void GivenAHugePrior_WhenFirstPosition_ThenTheLossIsTheEntropyOfThePriorMean(double alpha, double beta)
    {
        // Position 0 predicts from the prior alone: H(α/(α+β)), computed here with log1p-free closed forms in decimal.
        var p = alpha / (alpha + beta);
        var q = beta / (alpha + beta);
        var expected = -p * Math.Log(p) - q * Math.Log(q);
        if (q < 1e-8) expected = q - q * q / 2 - q * Math.Log(q); // −p ln p = q − q²/2 − O(q³) when p = 1 − q
        var loss = BetaBernoulli.PerPositionLoss(1, alpha, beta)[0];
        Assert.True(Math.Abs(loss - expected) <= 1e-12 * expected, $"{loss:R} vs {expected:R}");
    }

    [Fact]
    public void GivenUniformPrior_WhenKnownPFloor_ThenHalfNat() =>
        Assert.Equal(0.5, BetaBernoulli.KnownPFloor(1, 1), 12);

    [Fact]
    public void GivenUniformPrior_WhenPredictiveAndPosterior_ThenLaplaceRule()
    {
        Assert.Equal(4.0 / 12.0, BetaBernoulli.Predictive(3, 10, 1, 1), 15);
        var posterior = BetaBernoulli.Posterior(3, 10, 1, 1);
        Assert.Equal(new BetaPosterior(4, 8), posterior);
        Assert.Equal(4.0 / 12.0, posterior.Mean, 15);
    }

    [Property(MaxTest = 30)]
    public bool GivenAnyPrior_WhenKnownPFloor_ThenMatchesNumericalIntegral(int seedA, int seedB)
    {
        var alpha = 0.5 + (uint)seedA % 50 / 5.0;
        var beta = 0.5 + (uint)seedB % 50 / 5.0;
        // Midpoint rule on the Beta density times H(p); the integrand is smooth for α, β ≥ 0.5 after the
        // substitution-free midpoint grid is fine enough.
        const int steps = 100_000;
        var logNorm = SpecialFunctions.LogBeta(alpha, beta);
        var integral = 0.0;
        for (var k = 0; k < steps; k++)
        {
            var p = (k + 0.5) / steps;
            integral += Math.Exp((alpha - 1) * Math.Log(p) + (beta - 1) * Math.Log(1 - p) - logNorm) * SpecialFunctions.BinaryEntropy(p) / steps;
        }

        return Math.Abs(integral - BetaBernoulli.KnownPFloor(alpha, beta)) < 2e-3;
    }

    [Property(MaxTest = 60)]
    public bool GivenAnyPrior_WhenLossAtPosition_ThenEqualsEnumerationOverAllSequences(int seedA, int seedB, int seedI)
    {
        var alpha = 0.2 + (uint)seedA % 40 / 4.0;
        var beta = 0.2 + (uint)seedB % 40 / 4.0;
        var i = (int)((uint)seedI % 9);
        // Enumerate all 2^i histories with their probabilities built from sequential predictives.
        var expected = 0.0;
        for (var bits = 0; bits < 1 << i; bits++)
        {
            var probability = 1.0;
            var heads = 0;
            for (var j = 0; j < i; j++)
            {
                var p1 = BetaBernoulli.Predictive(heads, j, alpha, beta);
                var flip = (bits >> j) & 1;
                probability *= flip == 1 ? p1 : 1 - p1;
                heads += flip;
            }

            expected += probability * SpecialFunctions.BinaryEntropy(BetaBernoulli.Predictive(heads, i, alpha, beta));
        }

        return Math.Abs(expected - BetaBernoulli.ExpectedLossAtPosition(i, alpha, beta)) < 1e-12;
    }

    [Property(MaxTest = 100)]
    public bool GivenAnySequence_WhenProductOfPredictives_ThenEqualsExchangeableMarginalForEveryOrder(int seedA, int seedB, int seedBits)
    {
        var alpha = 0.2 + (uint)seedA % 40 / 4.0;
        var beta = 0.2 + (uint)seedB % 40 / 4.0;
        var flips = Enumerable.Range(0, 12).Select(j => ((uint)seedBits >> j) & 1).Select(b => (int)b).ToArray();
        var reversed = flips.Reverse().ToArray();
        var sorted = flips.OrderBy(b => b).ToArray();
        var heads = flips.Sum();
        var marginal = SpecialFunctions.LogBeta(heads + alpha, flips.Length - heads + beta) - SpecialFunctions.LogBeta(alpha, beta);
        return new[] { flips, reversed, sorted }.All(order => Math.Abs(SequentialLogProbability(order, alpha, beta) - marginal) < 1e-10);
    }

    [Fact]
    public void GivenLongSequence_WhenMeanLoss_ThenBetweenKnownPFloorAndLn2()
    {
        var loss = BetaBernoulli.MeanLoss(1000, 2, 5);
        Assert.InRange(loss, BetaBernoulli.KnownPFloor(2, 5), Math.Log(2));
        // The per-position loss decreases towards the floor.
        var perPosition = BetaBernoulli.PerPositionLoss(1000, 2, 5);
        Assert.True(perPosition[^1] - BetaBernoulli.KnownPFloor(2, 5) < 1e-3);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-1.0, 1.0)]
    [InlineData(1.0, double.NaN)]
    public void GivenInvalidPrior_WhenMeanLoss_ThenArgumentException(double alpha, double beta) =>
        Assert.Throws<ArgumentException>(() => BetaBernoulli.MeanLoss(10, alpha, beta));

    private static double SequentialLogProbability(int[] flips, double alpha, double beta)
    {
        var log = 0.0;
        var heads = 0;
        for (var j = 0; j < flips.Length; j++)
        {
            var p1 = BetaBernoulli.Predictive(heads, j, alpha, beta);
            log += Math.Log(flips[j] == 1 ? p1 : 1 - p1);
            heads += flips[j];
        }

        return log;
    }
}
