using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>Analysis 2: the mean probability of the new t at the k-th target position after a change of rule.</summary>
/// <param name="FromTransitions">Events are transitions (true) or, with no transition in the data, sequence starts.</param>
/// <param name="Events">Transitions or sequence starts counted.</param>
/// <param name="TargetIndex">k + 1 for each k with enough events (at least 20).</param>
/// <param name="Counts">Events averaged over at each k.</param>
/// <param name="Model">The model's mean P(new t) at each k.</param>
/// <param name="Ideal">The observer's mean P(new t) at each k.</param>
/// <param name="ModelTargets">Target positions until the model's P(new t) ≥ 0.5 (null: never).</param>
/// <param name="IdealTargets">The same for the observer.</param>
public sealed record NRecurrenceIclRate(bool FromTransitions, int Events, IReadOnlyList<int> TargetIndex, IReadOnlyList<int> Counts,
    IReadOnlyList<double> Model, IReadOnlyList<double> Ideal, int? ModelTargets, int? IdealTargets);

/// <summary>
/// Analysis 2: in-context learning after a change of rule. Events are the transitions (stochastic data) or, with no
/// transition in the data, the sequence starts. For the k-th target position p of the new rule (k = 0, 1, …, before any
/// further change) the model's and the observer's probability of the new t at the prediction of x_p are averaged over events.
/// </summary>
internal static class IclRateAnalysis
{
    private const int MaxTargets = 8;

    public static NRecurrenceIclRate Compute(NRecurrenceAnalysisData a)
    {
        var model = new double[MaxTargets];
        var ideal = new double[MaxTargets];
        var count = new int[MaxTargets];
        var fromTransitions = a.Samples.Any(s => s.TransitionAfter[..^1].Any(t => t));
        var events = 0;
        foreach (var (s, b) in a.Samples.Select((s, b) => (s, b)))
        {
            var starts = fromTransitions
                ? Enumerable.Range(0, s.Tokens.Length - 1).Where(j => s.TransitionAfter[j]).Select(j => j + 1)
                : [0];
            foreach (var start in starts)
            {
                events++;
                var k = 0;
                for (var p = Math.Max(1, start); p < s.Tokens.Length && k < MaxTargets; p++)
                {
                    if (p > start && s.TransitionAfter[p - 1]) break; // the rule changed again
                    if (!s.IsTarget[p]) continue;
                    var t = s.Target[p];
                    model[k] += a.Acts.Probabilities(b, p - 1)[t];
                    ideal[k] += a.Beliefs[b].Predictive[p - 1][t];
                    count[k]++;
                    k++;
                }
            }
        }

        var ks = Enumerable.Range(0, MaxTargets).Where(k => count[k] >= 20).ToArray();
        var m = ks.Select(k => model[k] / count[k]).ToArray();
        var o = ks.Select(k => ideal[k] / count[k]).ToArray();
        int? Reach(double[] p) => Array.FindIndex(p, v => v >= 0.5) is var i && i >= 0 ? ks[i] + 1 : null;
        return new NRecurrenceIclRate(fromTransitions, events, [.. ks.Select(k => k + 1)], [.. ks.Select(k => count[k])], m, o, Reach(m), Reach(o));
    }

    public static ReportFigure Write(NRecurrenceIclRate r, string dir)
    {
        double[] m = [.. r.Model];
        double[] o = [.. r.Ideal];
        var fromTransitions = r.FromTransitions;
        AnalysisFiles.WriteCsv(Path.Combine(dir, "icl_rate.csv"), ["target_index", "events", "model_p_new_t", "ideal_p_new_t"],
            r.TargetIndex.Select((k, i) => (IReadOnlyList<object>)[k, r.Counts[i], m[i], o[i]]));
        var plot = new Plot();
        var xs = r.TargetIndex.Select(k => (double)k).ToArray();
        if (xs.Length > 0)
        {
            plot.Add.Scatter(xs, m).LegendText = "trained model";
            var oi = plot.Add.Scatter(xs, o);
            oi.LegendText = "ideal observer";
            oi.LinePattern = LinePattern.Dashed;
        }

        plot.Add.HorizontalLine(0.5).LineColor = Colors.Gray;
        plot.Title(fromTransitions ? "ICL after a transition: P(new t) at the new rule's target positions" : "ICL from the sequence start: P(t) at target positions");
        plot.XLabel(fromTransitions ? "k-th target position after the transition" : "k-th target position of the sequence");
        plot.YLabel("probability of the new target token");
        plot.ShowLegend(Alignment.LowerRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "icl_rate.png"));
        var (mr, or) = (r.ModelTargets, r.IdealTargets);
        var answer = $"{r.Events} {(fromTransitions ? "transitions" : "sequence starts (the data have no transitions)")}; " +
            $"target positions to reach P(new t) ≥ 0.5: model {(mr?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never")}, " +
            $"observer {(or?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never")} " +
            $"(first target after the change: model {AnalysisFiles.F(m.FirstOrDefault())}, observer {AnalysisFiles.F(o.FirstOrDefault())}).";
        return new ReportFigure("2. In-context learning rate after a transition",
            "After (n, t) changes, how fast does the probability of the new t at its target positions rise, for the model and the observer?",
            answer, "icl_rate.csv", ["icl_rate.png"]);
    }
}
