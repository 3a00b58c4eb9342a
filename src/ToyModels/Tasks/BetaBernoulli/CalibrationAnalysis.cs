using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analysis 1: the model's P(1) against the Bayes-optimal P(1) for every (H, N), over every ordering.
/// </summary>
/// <param name="Rows">One row per (N, H).</param>
/// <param name="MeanAbsError">E|model − Bayes| under the data distribution, averaged over the enumerated N.</param>
/// <param name="MaxAbsError">The largest |model − Bayes| over every enumerated prefix.</param>
/// <param name="Fit">Least-squares line of the (N, H)-mean model P(1) against the Bayes P(1).</param>
public sealed record CalibrationAnalysis(IReadOnlyList<CalibrationRow> Rows, double MeanAbsError, double MaxAbsError, LinearFit Fit)
{
    /// <summary>Computes the calibration table from enumerated prefixes.</summary>
    public static CalibrationAnalysis Run(EnumeratedPrefixes prefixes, BetaBernoulliReference reference)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentNullException.ThrowIfNull(reference);
        var rows = new List<CalibrationRow>();
        var maxAbs = 0.0;
        var meanAbsByN = new List<double>();
        for (var n = prefixes.MinFlips; n <= prefixes.MaxFlips; n++)
        {
            var p = prefixes.PHeads[n];
            var sum = new double[n + 1];
            var absSum = new double[n + 1];
            var min = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var max = Enumerable.Repeat(double.NegativeInfinity, n + 1).ToArray();
            var count = new long[n + 1];
            var bayes = Enumerable.Range(0, n + 1).Select(h => reference.Predictive(h, n)).ToArray();
            for (long x = 0; x < p.Length; x++)
            {
                var h = EnumeratedPrefixes.Heads(x, n);
                sum[h] += p[x];
                absSum[h] += Math.Abs(p[x] - bayes[h]);
                min[h] = Math.Min(min[h], p[x]);
                max[h] = Math.Max(max[h], p[x]);
                count[h]++;
                maxAbs = Math.Max(maxAbs, Math.Abs(p[x] - bayes[h]));
            }

            var weightedAbs = 0.0;
            for (var h = 0; h <= n; h++)
            {
                // P(H = h | N = n) = (number of orderings) × P(one ordering); the chain rule gives the latter.
                var weight = count[h] * SequenceProbability(reference, h, n);
                weightedAbs += weight * absSum[h] / count[h];
                rows.Add(new CalibrationRow(n, h, count[h], weight, bayes[h], sum[h] / count[h], min[h], max[h]));
            }

            meanAbsByN.Add(weightedAbs);
        }

        var fit = LinearFit.Fit(rows.Select(r => r.BayesP).ToArray(), rows.Select(r => r.ModelMeanP).ToArray());
        return new CalibrationAnalysis(rows, meanAbsByN.Average(), maxAbs, fit);
    }

    /// <summary>The probability of one particular ordering with h heads in n flips: Π of Bayes predictives.</summary>
    public static double SequenceProbability(BetaBernoulliReference reference, int h, int n)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var logP = 0.0;
        for (var k = 0; k < n; k++)
        {
            // Heads first, then tails: every ordering has the same probability (exchangeability).
            var headsSoFar = Math.Min(k, h);
            var q = reference.Predictive(headsSoFar, k);
            logP += k < h ? Math.Log(q) : Math.Log(1 - q);
        }

        return Math.Exp(logP);
    }

    /// <summary>Writes <c>calibration.csv</c> and <c>calibration.png</c> into <paramref name="dir"/>.</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "calibration.csv"),
            ["n_flips", "heads", "orderings", "prob_hn", "bayes_p1", "model_mean_p1", "model_min_p1", "model_max_p1"],
            Rows.Select(r => (IReadOnlyList<object>)[r.N, r.H, r.Orderings, r.Weight, r.BayesP, r.ModelMeanP, r.ModelMinP, r.ModelMaxP]));
        var plot = new Plot();
        var line = plot.Add.Line(0, 0, 1, 1);
        line.LineColor = Colors.Gray;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = "y = x (Bayes)";
        var lo = plot.Add.Scatter(Rows.Select(r => r.BayesP).ToArray(), Rows.Select(r => r.ModelMinP).ToArray());
        lo.LineWidth = 0;
        lo.MarkerSize = 3;
        lo.Color = Colors.LightBlue;
        lo.LegendText = "min / max over orderings";
        var hi = plot.Add.Scatter(Rows.Select(r => r.BayesP).ToArray(), Rows.Select(r => r.ModelMaxP).ToArray());
        hi.LineWidth = 0;
        hi.MarkerSize = 3;
        hi.Color = Colors.LightBlue;
        var mean = plot.Add.Scatter(Rows.Select(r => r.BayesP).ToArray(), Rows.Select(r => r.ModelMeanP).ToArray());
        mean.LineWidth = 0;
        mean.MarkerSize = 5;
        mean.Color = Colors.Navy;
        mean.LegendText = "model, mean over orderings";
        plot.Title("Calibration: model P(1) vs Bayes P(1) over all (H, N)");
        plot.XLabel("Bayes-optimal P(next = 1)");
        plot.YLabel("model P(next = 1)");
        plot.ShowLegend(Alignment.UpperLeft);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "calibration.png"));
        var nRange = $"N = {Rows.Min(r => r.N)} … {Rows.Max(r => r.N)}";
        return new ReportFigure(
            "1. Calibration",
            $"Does the model's P(1) match the Bayes-optimal (H+α)/(N+α+β) for every (H, N)? ({nRange}, every ordering)",
            $"Mean |model − Bayes| under the data distribution = {AnalysisFiles.F(MeanAbsError)}; worst prefix = {AnalysisFiles.F(MaxAbsError)}; " +
            $"fit model = {AnalysisFiles.F(Fit.Slope, "0.000")}·Bayes + {AnalysisFiles.F(Fit.Intercept, "0.000")}, R² = {AnalysisFiles.F(Fit.R2)} over {Fit.Count} (H, N) cells.",
            "calibration.csv", ["calibration.png"]);
    }
}
