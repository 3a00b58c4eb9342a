using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analysis 2: are predictions and residuals invariant to the order of the flips (they should depend on
/// (H, N) only), and does the current token play a special role in the residual (seed 000: it does)?
/// </summary>
/// <param name="Hook">The residual hook compared across orderings.</param>
/// <param name="Rows">One row per (N, H) with 0 &lt; H &lt; N.</param>
/// <param name="ExampleN">N of the example cosine matrix.</param>
/// <param name="ExampleH">H of the example cosine matrix.</param>
/// <param name="ExampleCosines">Pairwise cosines of the example, orderings sorted by current token.</param>
public sealed record PermutationAnalysis(string Hook, IReadOnlyList<PermutationRow> Rows, int ExampleN, int ExampleH, double[,] ExampleCosines)
{
    /// <summary>Compares all orderings sharing (H, N) for 2 ≤ N ≤ the residual enumeration depth.</summary>
    public static PermutationAnalysis Run(EnumeratedPrefixes prefixes, string hook)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        if (!prefixes.Residuals.TryGetValue(hook, out var byN))
            throw new ArgumentException($"the permutation analysis needs activations of '{hook}', which were not recorded.");
        var width = prefixes.ResidualWidths[hook];
        var rows = new List<PermutationRow>();
        for (var n = Math.Max(2, prefixes.MinFlips); n <= prefixes.ResidualMaxFlips; n++)
        {
            var groups = Enumerable.Range(0, n + 1).Select(_ => new List<long>()).ToArray();
            for (long x = 0; x < 1L << n; x++) groups[EnumeratedPrefixes.Heads(x, n)].Add(x);
            for (var h = 1; h < n; h++) rows.Add(Cell(prefixes.PHeads[n], byN[n], width, n, h, groups[h]));
        }

        if (rows.Count == 0) throw new ArgumentException("the permutation analysis needs prefixes of at least 2 flips; raise the residual enumeration depth.");
        var exampleN = Math.Min(6, prefixes.ResidualMaxFlips);
        var exampleH = exampleN / 2;
        var example = Enumerable.Range(0, 1 << exampleN).Select(i => (long)i)
            .Where(x => EnumeratedPrefixes.Heads(x, exampleN) == exampleH)
            .OrderBy(x => EnumeratedPrefixes.LastFlip(x, exampleN)).ThenBy(x => x).ToArray();
        var cos = new double[example.Length, example.Length];
        for (var i = 0; i < example.Length; i++)
            for (var j = 0; j < example.Length; j++)
                cos[i, j] = Cosine(byN[exampleN].AsSpan((int)example[i] * width, width), byN[exampleN].AsSpan((int)example[j] * width, width));
        return new PermutationAnalysis(hook, rows, exampleN, exampleH, cos);
    }

    private static PermutationRow Cell(double[] p, float[] resid, int width, int n, int h, List<long> orderings)
    {
        var ps = orderings.Select(x => p[x]).ToArray();
        var mean = ps.Average();
        var std = Math.Sqrt(ps.Sum(v => (v - mean) * (v - mean)) / ps.Length);
        var byLast = orderings.GroupBy(x => EnumeratedPrefixes.LastFlip(x, n)).ToDictionary(g => g.Key, g => g.ToArray());
        var effect = byLast.Count == 2 ? byLast[1].Average(x => p[x]) - byLast[0].Average(x => p[x]) : 0.0;

        // Mean pairwise cosine via sums of unit vectors: Σ_{i≠j} u_i·u_j = |Σu|² − m.
        var unitSum = new double[width];
        var unitByLast = new Dictionary<int, double[]> { [0] = new double[width], [1] = new double[width] };
        var centroid = new double[width];
        var centroidByLast = new Dictionary<int, double[]> { [0] = new double[width], [1] = new double[width] };
        foreach (var x in orderings)
        {
            var v = resid.AsSpan((int)x * width, width);
            var norm = Math.Sqrt(Dot(v, v));
            var last = EnumeratedPrefixes.LastFlip(x, n);
            for (var c = 0; c < width; c++)
            {
                var u = norm > 0 ? v[c] / norm : 0.0;
                unitSum[c] += u;
                unitByLast[last][c] += u;
                centroid[c] += v[c];
                centroidByLast[last][c] += v[c];
            }
        }

        var m = orderings.Count;
        var m0 = byLast.GetValueOrDefault(0)?.Length ?? 0;
        var m1 = byLast.GetValueOrDefault(1)?.Length ?? 0;
        var meanCos = (Dot(unitSum, unitSum) - m) / (m * (m - 1.0));
        var samePairs = m0 * (m0 - 1.0) + m1 * (m1 - 1.0);
        var same = samePairs > 0 ? (Dot(unitByLast[0], unitByLast[0]) - m0 + Dot(unitByLast[1], unitByLast[1]) - m1) / samePairs : double.NaN;
        var different = m0 > 0 && m1 > 0 ? Dot(unitByLast[0], unitByLast[1]) / (m0 * (double)m1) : double.NaN;

        // η²: between-group over total sum of squares of the residual across orderings.
        for (var c = 0; c < width; c++) centroid[c] /= m;
        double ssTotal = 0, ssBetween = 0;
        foreach (var x in orderings)
        {
            var v = resid.AsSpan((int)x * width, width);
            for (var c = 0; c < width; c++) ssTotal += (v[c] - centroid[c]) * (v[c] - centroid[c]);
        }

        foreach (var (last, count) in new[] { (0, m0), (1, m1) })
        {
            if (count == 0) continue;
            for (var c = 0; c < width; c++)
            {
                var d = centroidByLast[last][c] / count - centroid[c];
                ssBetween += count * d * d;
            }
        }

        var share = ssTotal > 1e-24 ? ssBetween / ssTotal : 0.0;
        return new PermutationRow(n, h, m, ps.Max() - ps.Min(), std, effect, meanCos, same, different, share);
    }

    /// <summary>Cosine similarity of two vectors (0 when either is zero).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var na = Math.Sqrt(Dot(a, a));
        var nb = Math.Sqrt(Dot(b, b));
        return na > 0 && nb > 0 ? Dot(a, b) / (na * nb) : 0.0;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Writes <c>permutation.csv</c>, <c>permutation_spread.png</c>, <c>permutation_cosine.png</c>, <c>residual_cos_sim.png</c>.</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "permutation.csv"),
            ["n_flips", "heads", "orderings", "p1_spread", "p1_std", "current_token_effect", "mean_cosine", "cosine_same_current", "cosine_different_current", "current_token_variance_share"],
            Rows.Select(r => (IReadOnlyList<object>)[r.N, r.H, r.Orderings, r.PredictionSpread, r.PredictionStd, r.CurrentTokenEffect, r.MeanCosine, r.CosineSameCurrent, r.CosineDifferentCurrent, r.CurrentTokenVarianceShare]));
        var ns = Rows.Select(r => r.N).Distinct().Order().ToArray();
        var spread = new Plot();
        AddSeries(spread, ns, n => Rows.Where(r => r.N == n).Max(r => r.PredictionSpread), "max spread of P(1) over orderings", Colors.Red);
        AddSeries(spread, ns, n => Rows.Where(r => r.N == n).Average(r => r.PredictionSpread), "mean spread over H", Colors.Navy);
        AddSeries(spread, ns, n => Rows.Where(r => r.N == n).Average(r => Math.Abs(r.CurrentTokenEffect)), "mean |P(1|cur=1) − P(1|cur=0)|", Colors.Orange);
        spread.Title("Permutation invariance of predictions");
        spread.XLabel("N (flips seen)");
        spread.YLabel("P(next = 1) difference");
        spread.ShowLegend(Alignment.UpperLeft);
        AnalysisFiles.SavePng(spread, Path.Combine(dir, "permutation_spread.png"));

        var cosine = new Plot();
        AddSeries(cosine, ns, n => MeanFinite(Rows.Where(r => r.N == n).Select(r => r.CosineSameCurrent)), "same current token", Colors.Green);
        AddSeries(cosine, ns, n => MeanFinite(Rows.Where(r => r.N == n).Select(r => r.CosineDifferentCurrent)), "different current token", Colors.Red);
        AddSeries(cosine, ns, n => Rows.Where(r => r.N == n).Average(r => r.CurrentTokenVarianceShare), "variance share of current token (η²)", Colors.Gray);
        cosine.Title($"Residual ({Hook}) across orderings sharing (H, N)");
        cosine.XLabel("N (flips seen)");
        cosine.YLabel("mean cosine / η²");
        cosine.ShowLegend(Alignment.LowerLeft);
        AnalysisFiles.SavePng(cosine, Path.Combine(dir, "permutation_cosine.png"));

        var heat = new Plot();
        var hm = heat.Add.Heatmap(ExampleCosines);
        hm.Colormap = new ScottPlot.Colormaps.Viridis();
        heat.Add.ColorBar(hm);
        heat.Title($"Residual cosine, N={ExampleN}, H={ExampleH}: orderings sorted by current token (0 first)");
        heat.XLabel("ordering");
        heat.YLabel("ordering");
        AnalysisFiles.SavePng(heat, Path.Combine(dir, "residual_cos_sim.png"));

        var meanSpread = Rows.Average(r => r.PredictionSpread);
        var worst = Rows.MaxBy(r => r.PredictionSpread)!;
        return new ReportFigure(
            "2. Permutation invariance",
            "Do orderings that share (H, N) get the same prediction and residual, and does the current (last) token play a special role?",
            $"P(1) spread (max − min over orderings), mean over (H, N) cells = {AnalysisFiles.F(meanSpread)}, worst = {AnalysisFiles.F(worst.PredictionSpread)} at N={worst.N}, H={worst.H}; " +
            $"mean P(1|current=1) − P(1|current=0) = {AnalysisFiles.F(Rows.Average(r => r.CurrentTokenEffect))}. " +
            $"Residual `{Hook}`: mean pairwise cosine = {AnalysisFiles.F(Rows.Average(r => r.MeanCosine))}; same current token = {AnalysisFiles.F(MeanFinite(Rows.Select(r => r.CosineSameCurrent)))}, " +
            $"different current token = {AnalysisFiles.F(MeanFinite(Rows.Select(r => r.CosineDifferentCurrent)))}; the current token explains {AnalysisFiles.F(100 * Rows.Average(r => r.CurrentTokenVarianceShare), "0.0")}% " +
            $"of the residual's variance across orderings (η², mean over cells).",
            "permutation.csv", ["permutation_spread.png", "permutation_cosine.png", "residual_cos_sim.png"]);
    }

    /// <summary>The mean of the finite values (NaN marks cells where a quantity is undefined).</summary>
    public static double MeanFinite(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length > 0 ? finite.Average() : double.NaN;
    }

    private static void AddSeries(Plot plot, int[] ns, Func<int, double> value, string label, ScottPlot.Color color)
    {
        var s = plot.Add.Scatter(ns.Select(n => (double)n).ToArray(), ns.Select(value).ToArray());
        s.LegendText = label;
        s.Color = color;
        s.MarkerSize = 5;
    }
}
