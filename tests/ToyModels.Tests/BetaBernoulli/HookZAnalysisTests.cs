using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tests.BetaBernoulli;

public sealed class HookZAnalysisTests
{
    [Fact]
    public void GivenZFromUniformAttentionOverBosAndFlips_WhenAnalysed_ThenTheNWiseFitsAreExactButThePooledHOverNLineIsNot()
    {
        // z = (v_BOS + H·v_1 + (N − H)·v_0) / (N + 1): a head attending uniformly over BOS and N flips, values 0.3 / 1 / −1.
        var random = new Random(3);
        var heads = new List<int>();
        var flips = new List<int>();
        var z = new List<float>();
        for (var r = 0; r < 2000; r++)
        {
            var n = 1 + random.Next(19);
            var h = random.Next(n + 1);
            heads.Add(h);
            flips.Add(n);
            z.Add((float)((0.3 + h * 1.0 - (n - h)) / (n + 1.0)));
        }

        var samples = new ProbeSamples([.. heads], [.. flips], [.. heads.Select((h, i) => (h + 1.0) / (flips[i] + 2.0))], new double[heads.Count],
            new Dictionary<string, float[]> { ["blocks.0.attn.hook_z"] = [.. z] }, new Dictionary<string, int> { ["blocks.0.attn.hook_z"] = 1 });

        var analysis = HookZAnalysis.Run(samples, "blocks.0.attn.hook_z");

        Assert.InRange(analysis.WithinFlipsR2, 0.999999, 1.000001);
        Assert.InRange(analysis.UniformAttentionR2, 0.999999, 1.000001);
        Assert.True(analysis.RatioFit.R2 < 0.999, $"pooled R² {analysis.RatioFit.R2}");
        Assert.Equal(19, analysis.ByFlips.Count);
        Assert.All(analysis.ByFlips, f => Assert.InRange(f.Fit.Slope, 2 * f.Flips / (f.Flips + 1.0) - 1e-5, 2 * f.Flips / (f.Flips + 1.0) + 1e-5));
    }
}
