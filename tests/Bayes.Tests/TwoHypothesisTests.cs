using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class TwoHypothesisTests
{
    [Fact]
    public void GivenSeedParameters_WhenSimulate_ThenFollowsTheUpdateRuleAndSurprisalIsMinusLnTheta()
    {
        var curve = TwoHypothesisModel.Simulate(0.05, 0.693, 20);
        Assert.Equal(20, curve.ProbabilityA.Length);
        Assert.Equal(0.05, curve.ProbabilityA[0], 15);
        var theta = 0.05;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(theta, curve.ProbabilityA[i], 12);
            Assert.Equal(-Math.Log(curve.ProbabilityA[i]), curve.SurprisalNats[i], 12);
            theta = theta * 0.693 / (theta * 0.693 + (1 - theta) * (1 - 0.693));
        }
    }

    [Fact]
    public void GivenSensitivityBelowHalf_WhenSimulate_ThenProbabilityFalls()
    {
        var curve = TwoHypothesisModel.Simulate(0.6, 0.3, 10);
        for (var i = 1; i < 10; i++) Assert.True(curve.ProbabilityA[i] < curve.ProbabilityA[i - 1]);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.5, -0.1)]
    [InlineData(double.NaN, 0.5)]
    public void GivenParametersOutsideUnitInterval_WhenSimulate_ThenArgumentException(double theta0, double c) =>
        Assert.Throws<ArgumentException>(() => TwoHypothesisModel.Simulate(theta0, c, 5));

    [Property(MaxTest = 100)]
    public bool GivenNoiseFreeCurve_WhenFit_ThenRecoversParametersExactly(int seedTheta, int seedC, int seedN)
    {
        var theta0 = 0.02 + (uint)seedTheta % 96 / 100.0;
        var c = 0.05 + (uint)seedC % 90 / 100.0;
        var n = 3 + (int)((uint)seedN % 30);
        var fit = TwoHypothesisFitter.Fit(TwoHypothesisModel.Simulate(theta0, c, n).ProbabilityA);
        return Math.Abs(fit.Theta0 - theta0) < 1e-6 && Math.Abs(fit.C - c) < 1e-6 && fit.Rmse < 1e-7 && fit.N == n;
    }

    [Theory]
    [InlineData(0.05, 0.693, 1)]
    [InlineData(0.3, 0.6, 2)]
    [InlineData(0.7, 0.35, 3)]
    public void GivenNoisyCurve_WhenFit_ThenRecoversParametersWithinToleranceAndIntervalsCoverTruth(double theta0, double c, int seed)
    {
        var random = new Random(seed);
        var clean = TwoHypothesisModel.Simulate(theta0, c, 40).ProbabilityA;
        // Mean-preserving noise: each P(correct) is the success rate of 100 Bernoulli(θ_i) draws.
        var noisy = clean.Select(p => Binomial(random, 100, p)).ToArray();

        var fit = TwoHypothesisFitter.Fit(noisy);

        Assert.InRange(fit.Theta0, theta0 - 0.05, theta0 + 0.05);
        Assert.InRange(fit.C, c - 0.03, c + 0.03);
        Assert.InRange(theta0, fit.Theta0Ci95.Lo - 0.02, fit.Theta0Ci95.Hi + 0.02);
        Assert.InRange(c, fit.CCi95.Lo - 0.01, fit.CCi95.Hi + 0.01);
        Assert.True(fit.Theta0StdErr > 0 && fit.CStdErr > 0);
        Assert.InRange(fit.Rmse, 0.005, 0.06);
        Assert.True(fit.LogLikelihood < 0);
    }

    [Fact]
    public void GivenBootstrapWithSeed_WhenFitTwice_ThenSameIntervalsContainingTheEstimate()
    {
        var random = new Random(7);
        var noisy = TwoHypothesisModel.Simulate(0.1, 0.7, 25).ProbabilityA.Select(p => Binomial(random, 30, p)).ToArray();
        var options = new TwoHypothesisFitOptions(BootstrapSamples: 200, Seed: 11);

        var first = TwoHypothesisFitter.Fit(noisy, options);
        var second = TwoHypothesisFitter.Fit(noisy, options);

        Assert.Equal(first, second);
        Assert.InRange(first.C, first.CCi95.Lo, first.CCi95.Hi);
        Assert.InRange(first.Theta0, first.Theta0Ci95.Lo, first.Theta0Ci95.Hi);
        Assert.True(first.CCi95.Hi > first.CCi95.Lo);
    }

    [Fact]
    public void GivenWeights_WhenZeroWeightOnOutlier_ThenOutlierIgnored()
    {
        var clean = TwoHypothesisModel.Simulate(0.2, 0.65, 15).ProbabilityA.ToArray();
        var corrupted = clean.ToArray();
        corrupted[7] = 0.0;
        var weights = Enumerable.Repeat(1.0, 15).ToArray();
        weights[7] = 0.0;

        var fit = TwoHypothesisFitter.Fit(corrupted, new TwoHypothesisFitOptions(Weights: weights));

        Assert.Equal(0.2, fit.Theta0, 6);
        Assert.Equal(0.65, fit.C, 6);
    }

    [Theory]
    [InlineData(new[] { 1.0, 1.0, 1.0 })]
    [InlineData(new[] { 0.0, 0.0, 1.0, 1.0 })]
    [InlineData(new[] { 0.5 })]
    [InlineData(new[] { 0.5, 1.5 })]
    public void GivenDegenerateOrInvalidSeries_WhenFit_ThenArgumentException(double[] series) =>
        Assert.Throws<ArgumentException>(() => TwoHypothesisFitter.Fit(series));

    [Fact]
    public void GivenACurvePinnedNearZero_WhenFit_ThenNotIdentifiableWithTheReason()
    {
        // The curve: P(correct) ≈ 1e-40 throughout, which the probability-scale fit reported as
        // "c = 0.5585 (0.39 to 0.71), RMSE 0.0000".
        var random = new Random(3);
        var series = Enumerable.Range(0, 12).Select(i => Math.Exp(-92 + random.NextDouble() * 3 - 0.05 * i)).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => TwoHypothesisFitter.Fit(series));
        Assert.StartsWith("not identifiable: P(correct) stays below", ex.Message);
        Assert.NotNull(TwoHypothesisFitter.NotIdentifiable(series, Enumerable.Repeat(1.0, 12).ToArray()));
        Assert.Contains("above 1", Assert.Throws<ArgumentException>(() => TwoHypothesisFitter.Fit(series.Select(p => 1 - 1e-9).ToArray())).Message);
    }

    [Theory]
    [InlineData(0.05, 0.693, 1)]
    [InlineData(0.3, 0.6, 2)]
    public void GivenNoisyCurve_WhenFit_ThenJointIntervalsContainTheMarginalOnesAndRmseIsInBitsOfSurprisal(double theta0, double c, int seed)
    {
        var random = new Random(seed);
        var clean = TwoHypothesisModel.Simulate(theta0, c, 40).ProbabilityA;
        var noisy = clean.Select(p => Binomial(random, 100, p)).Select(p => Math.Max(p, 0.005)).ToArray();
        var fit = TwoHypothesisFitter.Fit(noisy);
        Assert.True(fit.CJointCi95.Lo < fit.CCi95.Lo && fit.CJointCi95.Hi > fit.CCi95.Hi);
        Assert.True(fit.Theta0JointCi95.Lo < fit.Theta0Ci95.Lo && fit.Theta0JointCi95.Hi > fit.Theta0Ci95.Hi);
        Assert.InRange(c, fit.CJointCi95.Lo, fit.CJointCi95.Hi);
        Assert.InRange(fit.LogitCorrelation, -1, 1);
        // A long rising curve trades θ₀ against c: their estimates are negatively correlated.
        Assert.True(fit.LogitCorrelation < 0);
        var bits = Math.Sqrt(noisy.Select((p, i) => Math.Pow(Math.Log2(p) - Math.Log2(TwoHypothesisModel.Simulate(fit.Theta0, fit.C, 40).ProbabilityA[i]), 2)).Average());
        Assert.Equal(bits, fit.RmseSurprisalBits, 6);
        Assert.Equal(0, TwoHypothesisFitter.Fit(clean).RmseSurprisalBits, 6);
    }

    private static double Binomial(Random random, int trials, double p) =>
        Enumerable.Range(0, trials).Count(_ => random.NextDouble() < p) / (double)trials;
}
