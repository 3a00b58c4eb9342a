using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analysis 5: with d_head = 1 the attention output <c>hook_z</c> of a head is one number per position; seed 000
/// found it nearly linear in H/N. Fits z against H/N and, because a BOS token adds prior pseudo-counts, against
/// the posterior mean (H+α)/(N+α+β) too.
/// </summary>
/// <param name="Hook">The <c>hook_z</c> name.</param>
/// <param name="Head">The head (component of hook_z) analysed.</param>
/// <param name="Ratio">H/N per row (N ≥ 1).</param>
/// <param name="PosteriorMean">The Bayes predictive per row.</param>
/// <param name="Z">The head's z per row.</param>
/// <param name="RatioFit">z against H/N.</param>
/// <param name="PosteriorFit">z against the posterior mean.</param>
public sealed record HookZAnalysis(string Hook, int Head, double[] Ratio, double[] PosteriorMean, double[] Z, LinearFit RatioFit, LinearFit PosteriorFit)
{
    /// <summary>Fits the first component of <paramref name="hook"/> (head <paramref name="head"/>, d_head = 1) over rows with N ≥ 1.</summary>
    public static HookZAnalysis Run(ProbeSamples samples, string hook, int head = 0)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (!samples.Features.TryGetValue(hook, out var values))
            throw new ArgumentException($"the hook_z analysis needs activations of '{hook}', which were not recorded.");
        var width = samples.Widths[hook];
        if (head < 0 || head >= width) throw new ArgumentException($"head {head} is out of range for '{hook}' (width {width}).");
        var rows = Enumerable.Range(0, samples.Count).Where(r => samples.Flips[r] > 0).ToArray();
        var ratio = rows.Select(r => (double)samples.Heads[r] / samples.Flips[r]).ToArray();
        var posterior = rows.Select(r => samples.PosteriorMean[r]).ToArray();
        var z = rows.Select(r => (double)values[r * width + head]).ToArray();
        return new HookZAnalysis(hook, head, ratio, posterior, z, LinearFit.Fit(ratio, z), LinearFit.Fit(posterior, z));
    }

    /// <summary>Writes <c>hook_z.csv</c> and <c>cache_z_vs_ratio.png</c>.</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "hook_z.csv"), ["h_over_n", "posterior_mean", "z"],
            Ratio.Select((r, i) => (IReadOnlyList<object>)[r, PosteriorMean[i], Z[i]]));
        var plot = new Plot();
        var pts = plot.Add.Scatter(Ratio, Z);
        pts.LineWidth = 0;
        pts.MarkerSize = 3;
        pts.LegendText = "positions (N ≥ 1)";
        var line = plot.Add.Line(0, RatioFit.Intercept, 1, RatioFit.Slope + RatioFit.Intercept);
        line.LineColor = Colors.Red;
        line.LegendText = $"fit: z = {AnalysisFiles.F(RatioFit.Slope, "0.000")}·H/N + {AnalysisFiles.F(RatioFit.Intercept, "0.000")}, R² = {AnalysisFiles.F(RatioFit.R2, "0.000")}";
        plot.Title($"{Hook} (head {Head}) against H/N");
        plot.XLabel("H/N");
        plot.YLabel("z");
        plot.ShowLegend(Alignment.UpperLeft);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "cache_z_vs_ratio.png"));
        return new ReportFigure(
            "5. Attention output hook_z",
            $"Is head {Head}'s `{Hook}` value linear in H/N? (its first component: the whole head when d_head = 1, seed 000's setting)",
            $"z = {AnalysisFiles.F(RatioFit.Slope, "0.0000")}·H/N + {AnalysisFiles.F(RatioFit.Intercept, "0.0000")}, R² = {AnalysisFiles.F(RatioFit.R2)} over {RatioFit.Count:N0} positions; " +
            $"against the posterior mean (H+α)/(N+α+β): slope {AnalysisFiles.F(PosteriorFit.Slope, "0.0000")}, R² = {AnalysisFiles.F(PosteriorFit.R2)}.",
            "hook_z.csv", ["cache_z_vs_ratio.png"]);
    }
}
