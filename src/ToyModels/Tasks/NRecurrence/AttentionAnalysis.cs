using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>Analysis 4: each head's attention from queries that predict a target, and a uniform head's for comparison.</summary>
/// <param name="Heads">One row per head, layer by layer.</param>
/// <param name="UniformPreviousTarget">What a head attending uniformly to keys 0 … q would put on the previous target.</param>
/// <param name="UniformEarlierTargets">The same on all earlier targets.</param>
public sealed record NRecurrenceAttention(IReadOnlyList<HeadAttention> Heads, double UniformPreviousTarget, double UniformEarlierTargets);

/// <summary>
/// Analysis 4: attention at the positions that predict a target. For a query q whose next token x_{q+1} is a target
/// position p of a rule (n, t) that already had a target at p − n (no change in between), each head's attention on the
/// previous target p − n ("n back" from the predicted token), on every earlier target of the rule, and on q − n
/// ("n back" from the query).
/// </summary>
internal static class AttentionAnalysis
{
    /// <summary>Heads whose attention on the previous target is at least this fraction count as "attending n back".</summary>
    public const double NBackThreshold = 0.3;

    public static NRecurrenceAttention Compute(NRecurrenceAnalysisData a, int nHeads)
    {
        var nCtx = a.Data.NCtx;
        var layers = a.Acts.Patterns.Length;
        var heads = new List<HeadAttention>();
        var (uniformPrev, uniformEarlier) = UniformBaseline(a);
        for (var l = 0; l < layers; l++)
        {
            for (var h = 0; h < nHeads; h++)
            {
                double prev = 0, earlier = 0, queryBack = 0;
                var count = 0;
                for (var b = 0; b < a.Samples.Length; b++)
                {
                    var s = a.Samples[b];
                    for (var q = 0; q < nCtx; q++)
                    {
                        var p = q + 1;
                        var n = s.N[p];
                        if (!s.IsTarget[p] || p - n < 0 || !SameRule(s, p - n, p)) continue;
                        var row = ((b * nHeads + h) * nCtx + q) * nCtx; // pattern [batch, head, q, k]
                        var pattern = a.Acts.Patterns[l];
                        prev += pattern[row + p - n];
                        if (q - n >= 0) queryBack += pattern[row + q - n];
                        for (var k = p - n; k >= 0 && SameRule(s, k, p); k -= n) earlier += pattern[row + k];
                        count++;
                    }
                }

                heads.Add(new HeadAttention(l, h, count == 0 ? 0 : prev / count, count == 0 ? 0 : earlier / count, count == 0 ? 0 : queryBack / count, count));
            }
        }

        return new NRecurrenceAttention(heads, uniformPrev, uniformEarlier);
    }

    public static ReportFigure Write(NRecurrenceAttention attention, string dir)
    {
        var (heads, uniformPrev, uniformEarlier) = (attention.Heads, attention.UniformPreviousTarget, attention.UniformEarlierTargets);
        AnalysisFiles.WriteCsv(Path.Combine(dir, "attention_targets.csv"), ["layer", "head", "frac_previous_target", "frac_earlier_targets", "frac_query_n_back", "queries", "uniform_previous_target", "uniform_earlier_targets"],
            heads.Select(x => (IReadOnlyList<object>)[x.Layer, x.Head, x.PreviousTarget, x.EarlierTargets, x.QueryNBack, x.Queries, uniformPrev, uniformEarlier]));
        var plot = new Plot();
        var positions = heads.Select((_, i) => (double)i).ToArray();
        var bars1 = plot.Add.Bars(positions.Select(p => p - 0.2).ToArray(), heads.Select(x => x.PreviousTarget).ToArray());
        bars1.LegendText = "previous target (n back from the predicted token)";
        foreach (var bar in bars1.Bars) bar.Size = 0.4;
        var bars2 = plot.Add.Bars(positions.Select(p => p + 0.2).ToArray(), heads.Select(x => x.EarlierTargets).ToArray());
        bars2.LegendText = "all earlier targets of the rule";
        foreach (var bar in bars2.Bars) bar.Size = 0.4;
        plot.Axes.Bottom.SetTicks(positions, [.. heads.Select(x => $"L{x.Layer}H{x.Head}")]);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title("Attention from queries that predict a target");
        plot.YLabel("fraction of attention");
        plot.ShowLegend(Alignment.UpperRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "attention_targets.png"));
        var nBack = heads.Where(x => x.PreviousTarget >= NBackThreshold).ToList();
        var best = heads.MaxBy(x => x.PreviousTarget)!;
        var answer = $"Heads attending n back (≥ {NBackThreshold} of their attention on the previous target): " +
            (nBack.Count == 0 ? "none" : string.Join(", ", nBack.Select(x => $"L{x.Layer}H{x.Head} ({AnalysisFiles.F(x.PreviousTarget, "0.00")})"))) +
            $"; a uniform head would put {AnalysisFiles.F(uniformPrev, "0.00")} on the previous target and {AnalysisFiles.F(uniformEarlier, "0.00")} on all earlier targets" +
            $"; strongest L{best.Layer}H{best.Head}: {AnalysisFiles.F(best.PreviousTarget, "0.00")} on the previous target, {AnalysisFiles.F(best.EarlierTargets, "0.00")} on all earlier targets ({best.Queries} queries).";
        var table = "| head | previous target | earlier targets | q − n |\n|---|---|---|---|\n" +
            string.Concat(heads.Select(x => $"| L{x.Layer}H{x.Head} | {AnalysisFiles.F(x.PreviousTarget, "0.000")} | {AnalysisFiles.F(x.EarlierTargets, "0.000")} | {AnalysisFiles.F(x.QueryNBack, "0.000")} |\n"));
        return new ReportFigure("4. Attention on target positions",
            "Do heads attend n back when the next token is a target? Fraction of each head's attention on the previous target and on all earlier targets.",
            answer, "attention_targets.csv", ["attention_targets.png"], table);
    }

    /// <summary>
    /// The heads used by the restricted loss: those with at least <see cref="NBackThreshold"/> of their attention on the
    /// previous target, or, when no head reaches it, the single head with the most.
    /// </summary>
    public static IReadOnlyList<HeadAttention> NBackHeads(IReadOnlyList<HeadAttention> heads)
    {
        var strong = heads.Where(h => h.PreviousTarget >= NBackThreshold).ToList();
        return strong.Count > 0 || heads.Count == 0 ? strong : [heads.MaxBy(h => h.PreviousTarget)!];
    }

    // What a head attending uniformly to keys 0 … q would put on the previous target and on all earlier targets.
    private static (double Previous, double Earlier) UniformBaseline(NRecurrenceAnalysisData a)
    {
        double prev = 0, earlier = 0;
        var count = 0;
        foreach (var s in a.Samples)
        {
            for (var q = 0; q < a.Data.NCtx; q++)
            {
                var p = q + 1;
                var n = s.N[p];
                if (!s.IsTarget[p] || p - n < 0 || !SameRule(s, p - n, p)) continue;
                prev += 1.0 / (q + 1);
                for (var k = p - n; k >= 0 && SameRule(s, k, p); k -= n) earlier += 1.0 / (q + 1);
                count++;
            }
        }

        return count == 0 ? (0, 0) : (prev / count, earlier / count);
    }

    /// <summary>Whether positions k ≤ p belong to one rule segment (no transition after any of k … p−1).</summary>
    private static bool SameRule(Probing.Bayes.NRecurrenceSample s, int k, int p)
    {
        for (var j = k; j < p; j++) if (s.TransitionAfter[j]) return false;
        return true;
    }
}
