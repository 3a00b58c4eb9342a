using Probing.ToyModels.Analysis;
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
    /// <summary>z against H/N separately for each number of flips N (why the pooled line fits worse: slope and intercept move with N).</summary>
    public IReadOnlyList<(int Flips, LinearFit Fit, double MeanZ)> ByFlips { get; init; } = [];

    /// <summary>R² of the per-N lines together (one slope and intercept per N).</summary>
    public double WithinFlipsR2 { get; init; } = double.NaN;

    /// <summary>
    /// R² of z ≈ b0 + b1·H/(N+1) + b2·1/(N+1) + b3·mean_{i≤N} ln(i+1): what one head with uniform causal attention over
    /// BOS and the N flips gives when its value reads the token and the log position (the bottleneck's d_model−1 dimension).
    /// </summary>
    public double UniformAttentionR2 { get; init; } = double.NaN;

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
        var flips = rows.Select(r => samples.Flips[r]).ToArray();
        var byFlips = new List<(int, LinearFit, double)>();
        var residual = 0.0;
        foreach (var group in Enumerable.Range(0, rows.Length).GroupBy(i => flips[i]).OrderBy(g => g.Key))
        {
            var idx = group.ToArray();
            if (idx.Length < 2) continue;
            var fit = LinearFit.Fit([.. idx.Select(i => ratio[i])], [.. idx.Select(i => z[i])]);
            residual += idx.Sum(i => Math.Pow(z[i] - (fit.Slope * ratio[i] + fit.Intercept), 2));
            byFlips.Add((group.Key, fit, idx.Average(i => z[i])));
        }

        var meanZ = z.Average();
        var total = z.Sum(v => (v - meanZ) * (v - meanZ));
        var uniform = LeastSquaresR2(z, [.. Enumerable.Range(0, rows.Length).Select(i => new[]
        {
            samples.Heads[rows[i]] / (flips[i] + 1.0), 1.0 / (flips[i] + 1.0),
            Enumerable.Range(0, flips[i] + 1).Average(p => Math.Log(p + 1.0)),
        })]);
        return new HookZAnalysis(hook, head, ratio, posterior, z, LinearFit.Fit(ratio, z), LinearFit.Fit(posterior, z))
        {
            ByFlips = byFlips,
            WithinFlipsR2 = total > 0 ? 1 - residual / total : double.NaN,
            UniformAttentionR2 = uniform,
        };
    }

    /// <summary>R² of the ordinary least-squares fit y ≈ b0 + Σ b_k x_k (normal equations, Gaussian elimination).</summary>
    internal static double LeastSquaresR2(double[] y, double[][] x)
    {
        var k = x.Length == 0 ? 0 : x[0].Length + 1;
        var a = new double[k, k + 1];
        for (var r = 0; r < y.Length; r++)
        {
            double[] row = [1.0, .. x[r]];
            for (var i = 0; i < k; i++)
            {
                a[i, k] += row[i] * y[r];
                for (var j = 0; j < k; j++) a[i, j] += row[i] * row[j];
            }
        }

        for (var i = 0; i < k; i++) a[i, i] += 1e-12; // a constant regressor (e.g. one N only) stays solvable
        for (var c = 0; c < k; c++)
        {
            var pivot = Enumerable.Range(c, k - c).MaxBy(r => Math.Abs(a[r, c]));
            for (var j = 0; j <= k; j++) (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            for (var r = 0; r < k; r++)
            {
                if (r == c || a[c, c] == 0) continue;
                var f = a[r, c] / a[c, c];
                for (var j = c; j <= k; j++) a[r, j] -= f * a[c, j];
            }
        }

        var b = Enumerable.Range(0, k).Select(i => a[i, i] == 0 ? 0 : a[i, k] / a[i, i]).ToArray();
        var mean = y.Average();
        double res = 0, tot = 0;
        for (var r = 0; r < y.Length; r++)
        {
            var fit = b[0];
            for (var i = 1; i < k; i++) fit += b[i] * x[r][i - 1];
            res += (y[r] - fit) * (y[r] - fit);
            tot += (y[r] - mean) * (y[r] - mean);
        }

        return tot > 0 ? 1 - res / tot : double.NaN;
    }

    /// <summary>Writes <c>hook_z.csv</c> and <c>cache_z_vs_ratio.png</c>.</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "hook_z.csv"), ["h_over_n", "posterior_mean", "z"],
            Ratio.Select((r, i) => (IReadOnlyList<object>)[r, PosteriorMean[i], Z[i]]));
        AnalysisFiles.WriteCsv(Path.Combine(dir, "hook_z_by_n.csv"), ["n_flips", "rows", "slope", "intercept", "r2", "mean_z"],
            ByFlips.Select(f => (IReadOnlyList<object>)[f.Flips, f.Fit.Count, f.Fit.Slope, f.Fit.Intercept, f.Fit.R2, f.MeanZ]));
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
            $"against the posterior mean (H+α)/(N+α+β): slope {AnalysisFiles.F(PosteriorFit.Slope, "0.0000")}, R² = {AnalysisFiles.F(PosteriorFit.R2)}. " +
            $"One line per N: R² = {AnalysisFiles.F(WithinFlipsR2)} (slope {Range(f => f.Fit.Slope)}, intercept {Range(f => f.Fit.Intercept)} over N; hook_z_by_n.csv); " +
            $"uniform attention over BOS and the flips with a token-and-log-position value, z ≈ b0 + b1·H/(N+1) + b2/(N+1) + b3·mean ln(i+1): R² = {AnalysisFiles.F(UniformAttentionR2)}.",
            "hook_z.csv", ["cache_z_vs_ratio.png"]);
    }

    private string Range(Func<(int Flips, LinearFit Fit, double MeanZ), double> value) =>
        ByFlips.Count == 0 ? "–" : $"{AnalysisFiles.F(ByFlips.Min(value), "0.000")} … {AnalysisFiles.F(ByFlips.Max(value), "0.000")}";
}
