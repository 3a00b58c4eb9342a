using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analysis 3: flip symmetry. For every flip sequence s of every length up to the enumeration depth,
/// a(s) = P(1 | s) + P(1 | flip(s)) − 1, where flip swaps heads and tails. A Bayes predictor under a
/// symmetric prior (α = β) has a(s) = 0 exactly; under Beta(α, β) it has a(s) = (α − β)/(N + α + β), so the
/// report also states the Bayes value.
/// </summary>
/// <param name="Rows">One row per N.</param>
/// <param name="BayesMeanAsymmetryByN">The same statistic for the exact Bayes predictor, per row.</param>
public sealed record FlipSymmetryAnalysis(IReadOnlyList<FlipSymmetryRow> Rows, IReadOnlyList<double> BayesMeanAsymmetryByN)
{
    /// <summary>Computes a(s) for all enumerated prefixes.</summary>
    public static FlipSymmetryAnalysis Run(EnumeratedPrefixes prefixes, BetaBernoulliReference reference)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentNullException.ThrowIfNull(reference);
        var rows = new List<FlipSymmetryRow>();
        var bayes = new List<double>();
        for (var n = prefixes.MinFlips; n <= prefixes.MaxFlips; n++)
        {
            var p = prefixes.PHeads[n];
            var mask = (1L << n) - 1;
            double sum = 0, absSum = 0, max = 0, bayesSum = 0;
            for (long x = 0; x < p.Length; x++)
            {
                var a = p[x] + p[x ^ mask] - 1;
                sum += a;
                absSum += Math.Abs(a);
                max = Math.Max(max, Math.Abs(a));
                var h = EnumeratedPrefixes.Heads(x, n);
                bayesSum += reference.Predictive(h, n) + reference.Predictive(n - h, n) - 1;
            }

            rows.Add(new FlipSymmetryRow(n, p.Length, sum / p.Length, absSum / p.Length, max));
            bayes.Add(bayesSum / p.Length);
        }

        return new FlipSymmetryAnalysis(rows, bayes);
    }

    /// <summary>Writes <c>flip_symmetry.csv</c> and <c>model_symmetry.png</c>.</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "flip_symmetry.csv"),
            ["n_flips", "sequences", "mean_asymmetry", "mean_abs_asymmetry", "max_abs_asymmetry", "bayes_mean_asymmetry"],
            Rows.Select((r, i) => (IReadOnlyList<object>)[r.N, r.Sequences, r.MeanAsymmetry, r.MeanAbsAsymmetry, r.MaxAbsAsymmetry, BayesMeanAsymmetryByN[i]]));
        var plot = new Plot();
        var xs = Rows.Select(r => (double)r.N).ToArray();
        var mean = plot.Add.Scatter(xs, Rows.Select(r => r.MeanAsymmetry).ToArray());
        mean.LegendText = "mean a(s)";
        var meanAbs = plot.Add.Scatter(xs, Rows.Select(r => r.MeanAbsAsymmetry).ToArray());
        meanAbs.LegendText = "mean |a(s)|";
        var max = plot.Add.Scatter(xs, Rows.Select(r => r.MaxAbsAsymmetry).ToArray());
        max.LegendText = "max |a(s)|";
        var bayes = plot.Add.Scatter(xs, BayesMeanAsymmetryByN.ToArray());
        bayes.LegendText = "Bayes-optimal mean a(s)";
        bayes.LinePattern = LinePattern.Dashed;
        plot.Title("Flip symmetry: a(s) = P(1|s) + P(1|flip s) − 1, all sequences");
        plot.XLabel("N (flips seen)");
        plot.YLabel("asymmetry");
        plot.ShowLegend(Alignment.UpperRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "model_symmetry.png"));
        var total = Rows.Sum(r => r.Sequences);
        var overallAbs = Rows.Sum(r => r.MeanAbsAsymmetry * r.Sequences) / total;
        var worst = Rows.MaxBy(r => r.MaxAbsAsymmetry)!;
        return new ReportFigure(
            "3. Flip symmetry",
            $"Is P(1 | s) + P(1 | flip(s)) − 1 zero for every sequence s? (all {total:N0} sequences of length {Rows[0].N} … {Rows[^1].N}, enumerated exhaustively)",
            $"Mean |a(s)| over all sequences = {AnalysisFiles.F(overallAbs)}; largest |a(s)| = {AnalysisFiles.F(worst.MaxAbsAsymmetry)} (N = {worst.N}); " +
            $"mean a(s) at the longest length = {AnalysisFiles.F(Rows[^1].MeanAsymmetry)} (Bayes: {AnalysisFiles.F(BayesMeanAsymmetryByN[^1])}).",
            "flip_symmetry.csv", ["model_symmetry.png"]);
    }
}
