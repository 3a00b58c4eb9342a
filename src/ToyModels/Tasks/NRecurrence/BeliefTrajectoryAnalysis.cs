using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>Analysis 7: mean beliefs about the old and the new t at positions around a transition that changes t.</summary>
/// <param name="Layer">The block whose residual the model's t probes read (−1: the model has none).</param>
/// <param name="Events">Transitions that change t.</param>
/// <param name="Positions">Positions relative to the first token of the new rule with enough events (at least 20).</param>
/// <param name="Counts">Events averaged over at each position.</param>
/// <param name="ObserverOld">The observer's mean P(old t).</param>
/// <param name="ObserverNew">The observer's mean P(new t).</param>
/// <param name="ModelOld">The model's probe read-out of P(old t).</param>
/// <param name="ModelNew">The model's probe read-out of P(new t).</param>
public sealed record NRecurrenceBeliefTrajectory(int Layer, int Events, IReadOnlyList<int> Positions, IReadOnlyList<int> Counts,
    IReadOnlyList<double> ObserverOld, IReadOnlyList<double> ObserverNew, IReadOnlyList<double> ModelOld, IReadOnlyList<double> ModelNew);

/// <summary>
/// Analysis 7: beliefs around a transition that changes t. At positions τ + r (r = −Before … After, τ the first position
/// of the new rule, stopping at the next change) the observer's posterior P(t_old) and P(t_new) after x_0 … x_{τ+r}, and
/// the model's belief read from the last block's residual by the one-vs-rest t probes (scores clipped at 0 and normalised:
/// a read-out, not a calibrated posterior). A phase change shows as a step; gradual evidence as a ramp.
/// </summary>
internal static class BeliefTrajectoryAnalysis
{
    private const int Before = 6;
    private const int After = 16;

    public static NRecurrenceBeliefTrajectory Compute(NRecurrenceAnalysisData a)
    {
        var nCtx = a.Data.NCtx;
        var vocab = a.Data.Spec.VocabSize;
        var layer = a.Acts.Residual.Length - 1;
        var width = layer < 0 ? 0 : a.Acts.Residual[layer].Length / (a.Samples.Length * nCtx);
        var length = Before + After + 1;
        var sums = new double[4, length];
        var counts = new int[length];
        var events = 0;
        if (layer >= 0)
        {
            var index = new List<(int B, int J)>();
            for (var b = 0; b < a.Samples.Length; b++) for (var j = 1; j < nCtx; j++) index.Add((b, j));
            var x = new float[index.Count * width];
            for (var i = 0; i < index.Count; i++) Array.Copy(a.Acts.Residual[layer], (index[i].B * nCtx + index[i].J) * width, x, i * width, width);
            var (train, _) = ProbeClassifier.Split(index.Count);
            var (mean, std) = ProbeClassifier.Standardisation(x, width, train);
            var probes = Enumerable.Range(0, vocab).Select(c =>
                RidgeProbe.Fit(x, width, [.. index.Select(r => a.Samples[r.B].Target[r.J] == c ? 1.0 : 0.0)], trainFraction: ProbeClassifier.TrainFraction, seed: ProbeClassifier.Seed)).ToArray();
            for (var b = 0; b < a.Samples.Length; b++)
            {
                var s = a.Samples[b];
                for (var tau = 1; tau < nCtx; tau++)
                {
                    if (!s.TransitionAfter[tau - 1] || s.Target[tau] == s.Target[tau - 1]) continue;
                    events++;
                    var (oldT, newT) = (s.Target[tau - 1], s.Target[tau]);
                    for (var r = -Before; r <= After; r++)
                    {
                        var j = tau + r;
                        if (j < 1 || j >= nCtx) continue;
                        if (r < 0 && j > 0 && s.TransitionAfter[j - 1] && j != tau) continue; // an earlier change inside the window
                        if (r > 0 && s.TransitionAfter[j - 1]) break;                          // the rule changed again
                        var scores = probes.Select(p => Math.Max(0, ProbeClassifier.Predict(p, a.Acts.Residual[layer], width, b * nCtx + j, mean, std))).ToArray();
                        var total = scores.Sum();
                        var k = r + Before;
                        sums[0, k] += a.Beliefs[b].PosteriorT[j][oldT];
                        sums[1, k] += a.Beliefs[b].PosteriorT[j][newT];
                        sums[2, k] += total > 0 ? scores[oldT] / total : 1.0 / vocab;
                        sums[3, k] += total > 0 ? scores[newT] / total : 1.0 / vocab;
                        counts[k]++;
                    }
                }
            }
        }

        var ks = Enumerable.Range(0, length).Where(k => counts[k] >= 20).ToArray();
        double[] Curve(int series) => [.. ks.Select(k => sums[series, k] / counts[k])];
        return new NRecurrenceBeliefTrajectory(layer, events, [.. ks.Select(k => k - Before)], [.. ks.Select(k => counts[k])], Curve(0), Curve(1), Curve(2), Curve(3));
    }

    public static ReportFigure Write(NRecurrenceBeliefTrajectory r, string dir)
    {
        var (layer, events) = (r.Layer, r.Events);
        double[][] curves = [[.. r.ObserverOld], [.. r.ObserverNew], [.. r.ModelOld], [.. r.ModelNew]];
        double[] Curve(int series) => curves[series];
        var xs = r.Positions.Select(p => (double)p).ToArray();
        AnalysisFiles.WriteCsv(Path.Combine(dir, "belief_trajectory.csv"),
            ["position_from_transition", "events", "observer_p_old_t", "observer_p_new_t", "model_probe_p_old_t", "model_probe_p_new_t"],
            r.Positions.Select((p, i) => (IReadOnlyList<object>)[p, r.Counts[i], Curve(0)[i], Curve(1)[i], Curve(2)[i], Curve(3)[i]]));
        if (xs.Length == 0)
            return new ReportFigure("7. Belief trajectories around transitions", "How do the observer's and the model's beliefs about t move when t changes?",
                "The data have no transitions that change t (deterministic task); nothing to plot.", "belief_trajectory.csv", []);
        var plot = new Plot();
        string[] names = ["observer P(old t)", "observer P(new t)", $"model, t probes on L{layer}: P(old t)", $"model, t probes on L{layer}: P(new t)"];
        for (var series = 0; series < 4; series++)
        {
            var line = plot.Add.Scatter(xs, Curve(series));
            line.LegendText = names[series];
            if (series < 2) line.LinePattern = LinePattern.Dashed;
        }

        plot.Add.VerticalLine(0).LineColor = Colors.Gray;
        plot.Title("Beliefs about t around a transition");
        plot.XLabel("position relative to the first token of the new rule");
        plot.YLabel("P(t)");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.MiddleRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "belief_trajectory.png"));
        int? Cross(double[] c) => Array.FindIndex(xs, v => v >= 0) is var start && start >= 0 && Array.FindIndex(c, start, v => v >= 0.5) is var i && i >= 0 ? (int)xs[i] : null;
        var observerCross = Cross(Curve(1));
        var modelCross = Cross(Curve(3));
        var answer = $"{events} transitions that change t; P(new t) passes 0.5 at position {observerCross?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"} " +
            $"after the change for the observer and {modelCross?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"} for the model's probe read-out " +
            $"(positions 0, 4, 8: observer {string.Join(" / ", new[] { 0, 4, 8 }.Select(p => Array.IndexOf(xs, (double)p) is var i && i >= 0 ? AnalysisFiles.F(Curve(1)[i], "0.00") : "–"))}, " +
            $"model {string.Join(" / ", new[] { 0, 4, 8 }.Select(p => Array.IndexOf(xs, (double)p) is var i && i >= 0 ? AnalysisFiles.F(Curve(3)[i], "0.00") : "–"))}).";
        return new ReportFigure("7. Belief trajectories around transitions",
            "When t changes, does the belief in the new t jump (a phase change) or ramp up through a period of uncertainty, for the observer and for the model?",
            answer, "belief_trajectory.csv", ["belief_trajectory.png"]);
    }
}
