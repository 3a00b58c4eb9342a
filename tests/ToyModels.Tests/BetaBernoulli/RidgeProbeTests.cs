using Probing.ToyModels.Analysis;
using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tests.BetaBernoulli;

public sealed class RidgeProbeTests
{
    [Fact]
    public void GivenAPlantedLinearFeature_WhenProbing_ThenHeldOutR2IsNearOneAndWeightsRecoverIt()
    {
        var rng = new Random(5);
        const int rows = 2000, width = 6;
        var x = new float[rows * width];
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < width; c++) x[r * width + c] = (float)(rng.NextDouble() * 2 - 1);
            y[r] = 3 * x[r * width + 1] - 2 * x[r * width + 4] + 0.5 + 0.01 * (rng.NextDouble() - 0.5);
        }

        var probe = RidgeProbe.Fit(x, width, y);
        Assert.True(probe.HeldOutR2 > 0.999, $"held-out R² {probe.HeldOutR2}");
        // Standardised weights: coefficient × feature std (uniform(−1,1) std = 1/√3).
        Assert.InRange(probe.Weights[1], 3 / Math.Sqrt(3) * 0.97, 3 / Math.Sqrt(3) * 1.03);
        Assert.InRange(probe.Weights[4], -2 / Math.Sqrt(3) * 1.03, -2 / Math.Sqrt(3) * 0.97);
        Assert.InRange(Math.Abs(probe.Weights[0]), 0, 0.01);
    }

    [Fact]
    public void GivenATargetUnrelatedToTheFeatures_WhenProbing_ThenHeldOutR2IsNearZero()
    {
        var rng = new Random(6);
        const int rows = 2000, width = 4;
        var x = Enumerable.Range(0, rows * width).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, rows).Select(_ => rng.NextDouble()).ToArray();
        var probe = RidgeProbe.Fit(x, width, y);
        Assert.InRange(probe.HeldOutR2, -0.05, 0.02);
    }

    [Fact]
    public void GivenAPlantedLine_WhenFittingALine_ThenSlopeInterceptAndR2AreExact()
    {
        var x = Enumerable.Range(0, 20).Select(i => i / 19.0).ToArray();
        var fit = LinearFit.Fit(x, x.Select(v => 0.7 * v - 0.2).ToArray());
        Assert.Equal(0.7, fit.Slope, 10);
        Assert.Equal(-0.2, fit.Intercept, 10);
        Assert.Equal(1.0, fit.R2, 10);
    }
}
