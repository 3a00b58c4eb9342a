using Probing.ToyModels.Analysis;
using Probing.ToyModels.Model;
using ScottPlot;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>One row of <c>belief_edit.csv</c>: mean probabilities at the edited queries.</summary>
/// <param name="Layer">The edited block (<c>blocks.{Layer}.hook_resid_post</c>).</param>
/// <param name="Positions">The edited positions: <c>j</c> or <c>all &lt;= j</c>.</param>
/// <param name="Scale">Edit scale (1: the probe scores of t and t′ exchanged).</param>
/// <param name="Events">Edited queries.</param>
/// <param name="PtBefore">Mean P(t) before the edit.</param>
/// <param name="PtAfter">Mean P(t) after it.</param>
/// <param name="PAltBefore">Mean P(t′) before the edit.</param>
/// <param name="PAltAfter">Mean P(t′) after it.</param>
/// <param name="PAltAfterRandom">Mean P(t′) after an edit of the same length in a random direction.</param>
/// <param name="ObserverPt">The observer's mean P(t) (what the edited observer gives t′).</param>
public sealed record NRecurrenceBeliefEditRow(int Layer, string Positions, double Scale, int Events, double PtBefore, double PtAfter, double PAltBefore,
    double PAltAfter, double PAltAfterRandom, double ObserverPt);

/// <summary>Analysis 6: the belief edits at every block, positions and scale.</summary>
/// <param name="Rows">One row per block, edited positions and scale (empty: no event).</param>
/// <param name="Events">Held-out queries before a scored target that were edited.</param>
public sealed record NRecurrenceBeliefEdit(IReadOnlyList<NRecurrenceBeliefEditRow> Rows, int Events);

/// <summary>
/// Analysis 6, the first causal test of the belief about t: at a query j whose next position is a scored target of
/// token t, move <c>blocks.l.hook_resid_post</c> along the linear probes' direction from t to another token t′ by the
/// amount that swaps the two probe scores (× scale), and measure P(t′) and P(t) at j. The observer conditioned on the
/// edited belief (its posterior with t and t′ exchanged) would give t′ the probability it gave t. Edits at j alone and
/// at every position ≤ j; a random direction of the same length is the control. Events are held-out rows of the probes.
/// </summary>
internal static class BeliefEditAnalysis
{
    private const int MaxEvents = 512;
    private static readonly double[] Scales = [1, 2, 4];

    public static NRecurrenceBeliefEdit Compute(HookedTransformer model, NRecurrenceAnalysisData a)
    {
        var nCtx = a.Data.NCtx;
        var vocab = a.Data.Spec.VocabSize;
        var width = model.Config.DModel;
        var index = new List<(int B, int J)>();
        for (var b = 0; b < a.Samples.Length; b++) for (var j = 1; j < nCtx; j++) index.Add((b, j));
        var (train, test) = ProbeClassifier.Split(index.Count);

        // Held-out rows whose next position is a scored target, one per sequence.
        var random = new Random(7);
        var used = new HashSet<int>();
        var events = new List<(int B, int J, int T, int Alt)>();
        foreach (var i in test)
        {
            var (b, j) = index[i];
            if (events.Count >= MaxEvents || used.Contains(b) || !NRecurrenceScoring.IsScoredTarget(a.Samples[b], j)) continue;
            used.Add(b);
            var t = a.Samples[b].Target[j + 1];
            var alt = (t + 1 + random.Next(vocab - 1)) % vocab;
            events.Add((b, j, t, alt));
        }

        var rows = new List<NRecurrenceBeliefEditRow>();
        if (events.Count == 0) return new NRecurrenceBeliefEdit(rows, 0);
        var inputs = NRecurrenceScoring.Inputs([.. events.Select(e => a.Samples[e.B])], nCtx);
        var before = NRecurrenceActivations.Run(model, inputs, events.Count, false);
        var ptBefore = events.Select((e, k) => before.Probabilities(k, e.J)[e.T]).Average();
        var pAltBefore = events.Select((e, k) => before.Probabilities(k, e.J)[e.Alt]).Average();
        var observer = events.Select(e => a.Beliefs[e.B].Predictive[e.J][e.T]).Average();
        for (var l = 0; l < a.Acts.Residual.Length; l++)
        {
            // One-vs-rest ridge probes for t on this layer (the fit of BeliefProbeAnalysis), as raw-space directions.
            var x = new float[index.Count * width];
            for (var i = 0; i < index.Count; i++) Array.Copy(a.Acts.Residual[l], (index[i].B * nCtx + index[i].J) * width, x, i * width, width);
            var (mean, std) = ProbeClassifier.Standardisation(x, width, train);
            var probes = Enumerable.Range(0, vocab).Select(c =>
                RidgeProbe.Fit(x, width, [.. index.Select(r => a.Samples[r.B].Target[r.J] == c ? 1.0 : 0.0)], trainFraction: ProbeClassifier.TrainFraction, seed: ProbeClassifier.Seed)).ToArray();
            foreach (var allPositions in new[] { false, true })
            {
                foreach (var scale in Scales)
                {
                    var (delta, randomDelta) = Deltas(a.Acts.Residual[l], events, probes, mean, std, nCtx, width, scale, allPositions, random);
                    var edited = Edit(model, inputs, events.Count, l, delta);
                    var control = Edit(model, inputs, events.Count, l, randomDelta);
                    rows.Add(new NRecurrenceBeliefEditRow(l, allPositions ? "all <= j" : "j", scale, events.Count, ptBefore,
                        events.Select((e, k) => edited.Probabilities(k, e.J)[e.T]).Average(), pAltBefore,
                        events.Select((e, k) => edited.Probabilities(k, e.J)[e.Alt]).Average(),
                        events.Select((e, k) => control.Probabilities(k, e.J)[e.Alt]).Average(), observer));
                }
            }
        }

        return new NRecurrenceBeliefEdit(rows, events.Count);
    }

    public static ReportFigure Write(NRecurrenceBeliefEdit edit, string dir)
    {
        var rows = edit.Rows;
        if (edit.Events == 0) return Figure(rows, 0, dir); // no event, no CSV
        AnalysisFiles.WriteCsv(Path.Combine(dir, "belief_edit.csv"),
            ["hook", "positions", "scale", "events", "p_t_before", "p_t_after", "p_alt_before", "p_alt_after", "p_alt_after_random_direction", "observer_p_t"],
            rows.Select(r => (IReadOnlyList<object>)[$"blocks.{r.Layer}.hook_resid_post", r.Positions, r.Scale, r.Events, r.PtBefore, r.PtAfter, r.PAltBefore, r.PAltAfter, r.PAltAfterRandom, r.ObserverPt]));
        return Figure(rows, edit.Events, dir);
    }

    /// <summary>
    /// Per event, Δ = scale · 2(s_t − s_t′) · u / |u|² with u = d_t′ − d_t the difference of the probes' raw-space
    /// directions (weights / std): the smallest move that exchanges the two probe scores at scale 1. With
    /// <paramref name="allPositions"/> every position ≤ j gets its own Δ. The control has the same norms, random directions.
    /// </summary>
    private static (float[] Delta, float[] Random) Deltas(float[] residual, List<(int B, int J, int T, int Alt)> events, RidgeProbe[] probes,
        double[] mean, double[] std, int nCtx, int width, double scale, bool allPositions, Random random)
    {
        var delta = new float[events.Count * nCtx * width];
        var control = new float[delta.Length];
        for (var k = 0; k < events.Count; k++)
        {
            var (b, j, t, alt) = events[k];
            var u = new double[width];
            for (var c = 0; c < width; c++) u[c] = (probes[alt].Weights[c] - probes[t].Weights[c]) / std[c];
            var uu = u.Sum(v => v * v);
            for (var p = allPositions ? 0 : j; p <= j; p++)
            {
                var offset = (b * nCtx + p) * width;
                double Score(RidgeProbe probe)
                {
                    var s = probe.Intercept;
                    for (var c = 0; c < width; c++) s += probe.Weights[c] * (residual[offset + c] - mean[c]) / std[c];
                    return s;
                }

                var beta = scale * 2 * Math.Max(0, Score(probes[t]) - Score(probes[alt])) / uu;
                var r = Enumerable.Range(0, width).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                var ratio = Math.Sqrt(uu) / Math.Sqrt(r.Sum(v => v * v));
                for (var c = 0; c < width; c++)
                {
                    delta[(k * nCtx + p) * width + c] = (float)(beta * u[c]);
                    control[(k * nCtx + p) * width + c] = (float)(beta * r[c] * ratio);
                }
            }
        }

        return (delta, control);
    }

    private static NRecurrenceActivations Edit(HookedTransformer model, long[] inputs, int batch, int layer, float[] delta)
    {
        var width = model.Config.DModel;
        var nCtx = model.Config.NCtx;
        var offset = 0;
        Tensor? Add(Tensor resid, string _)
        {
            // Chunks arrive in order; each takes its rows of Δ.
            var rows = (int)resid.shape[0];
            var slice = tensor(delta[(offset * nCtx * width)..((offset + rows) * nCtx * width)], [rows, nCtx, width]); // [batch, pos, d_model]
            offset += rows;
            return resid + slice.to(resid.dtype).to(resid.device);
        }

        return NRecurrenceActivations.Run(model, inputs, batch, false, ($"blocks.{layer}.hook_resid_post", Add));
    }

    private static ReportFigure Figure(IReadOnlyList<NRecurrenceBeliefEditRow> rows, int events, string dir)
    {
        var plot = new Plot();
        foreach (var group in rows.GroupBy(r => (r.Layer, r.Positions)))
        {
            var xs = group.Select(r => r.Scale).ToArray();
            plot.Add.Scatter(xs, group.Select(r => r.PAltAfter).ToArray()).LegendText = $"P(t′), edit L{group.Key.Layer} at {group.Key.Positions}";
            var control = plot.Add.Scatter(xs, group.Select(r => r.PAltAfterRandom).ToArray());
            control.LegendText = $"P(t′), random direction L{group.Key.Layer} at {group.Key.Positions}";
            control.LinePattern = LinePattern.Dotted;
        }

        if (rows.Count > 0) plot.Add.HorizontalLine(rows[0].ObserverPt).LineColor = Colors.Gray;
        plot.Title("Editing the residual along the probe direction t → t′");
        plot.XLabel("edit scale (1 = probe scores of t and t′ exchanged)");
        plot.YLabel("model P(t′) at the next target");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.UpperLeft);
        var dirFile = "belief_edit.png";
        var table = "| hook | edited positions | scale | P(t) before → after | P(t′) before → after | P(t′), random direction |\n|---|---|---|---|---|---|\n" +
            string.Concat(rows.Select(r => $"| blocks.{r.Layer}.hook_resid_post | {r.Positions} | {AnalysisFiles.F(r.Scale, "0")} | {AnalysisFiles.F(r.PtBefore, "0.000")} → {AnalysisFiles.F(r.PtAfter, "0.000")} | " +
                $"{AnalysisFiles.F(r.PAltBefore, "0.000")} → {AnalysisFiles.F(r.PAltAfter, "0.000")} | {AnalysisFiles.F(r.PAltAfterRandom, "0.000")} |\n"));
        var best = rows.OrderByDescending(r => r.PAltAfter).FirstOrDefault();
        var answer = best is null
            ? "No held-out query precedes a scored target; nothing was edited."
            : $"{events} held-out queries before a scored target; the observer conditioned on the edited belief gives t′ {AnalysisFiles.F(best.ObserverPt, "0.000")}. " +
              $"Largest effect: blocks.{best.Layer}.hook_resid_post at {best.Positions}, scale {AnalysisFiles.F(best.Scale, "0")}: P(t′) {AnalysisFiles.F(best.PAltBefore, "0.000")} → {AnalysisFiles.F(best.PAltAfter, "0.000")}, " +
              $"P(t) {AnalysisFiles.F(best.PtBefore, "0.000")} → {AnalysisFiles.F(best.PtAfter, "0.000")} (random direction of the same length: P(t′) {AnalysisFiles.F(best.PAltAfterRandom, "0.000")}).";
        if (rows.Count > 0) AnalysisFiles.SavePng(plot, Path.Combine(dir, dirFile));
        return new ReportFigure("6. Editing the belief about t (causal test)",
            "Does moving the residual along the linear probe direction from t to t′ make the model predict t′ at the next target, as the observer with that belief would?",
            answer, "belief_edit.csv", rows.Count > 0 ? [dirFile] : [], table);
    }
}
