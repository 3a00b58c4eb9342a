using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>Analysis 3 at one block: held-out probe scores from <c>blocks.{Layer}.hook_resid_post</c>.</summary>
/// <param name="Layer">Block index.</param>
/// <param name="AccuracyN">Accuracy for the latent n.</param>
/// <param name="AccuracyT">Accuracy for the latent t.</param>
/// <param name="R2Entropy">R² for the observer's posterior entropy.</param>
/// <param name="AccuracyObserverN">Accuracy for the observer's most probable n.</param>
/// <param name="AccuracyObserverT">Accuracy for the observer's most probable t.</param>
/// <param name="R2ObserverPTrueT">R² for the observer's probability of the true t.</param>
public sealed record NRecurrenceBeliefProbe(int Layer, double AccuracyN, double AccuracyT, double R2Entropy,
    double AccuracyObserverN, double AccuracyObserverT, double R2ObserverPTrueT);

/// <summary>Analysis 3: linear probes for n, t and the observer's beliefs at every block.</summary>
/// <param name="Layers">One row per block.</param>
/// <param name="ChanceN">The majority class's share of n.</param>
/// <param name="ChanceT">The majority class's share of t.</param>
/// <param name="Rows">Probe rows (positions j ≥ 1 of every sequence).</param>
public sealed record NRecurrenceBeliefProbes(IReadOnlyList<NRecurrenceBeliefProbe> Layers, double ChanceN, double ChanceT, int Rows);

/// <summary>
/// Analysis 3: linear probes from the residual stream after each block for the current n and t (held-out accuracy)
/// and for the observer's posterior entropy over (n, t) (held-out R²). Rows are positions j ≥ 1 of every sequence;
/// the labels are the latent n_j and t_j of the rule that generated x_j, and the entropy after x_0 … x_j. Against the
/// observer's posterior: accuracy for its most probable n_j and t_j (what an ideal reader of x_0 … x_j would answer, which
/// differs from the latent rule right after a transition or early in a sequence) and R² for its P(t_j = true t_j).
/// </summary>
internal static class BeliefProbeAnalysis
{
    public static NRecurrenceBeliefProbes Compute(NRecurrenceAnalysisData a)
    {
        var spec = a.Data.Spec;
        var nCtx = a.Data.NCtx;
        var width = a.Acts.Residual.Length == 0 ? 0 : a.Acts.Residual[0].Length / (a.Samples.Length * nCtx);
        var index = new List<(int B, int J)>();
        for (var b = 0; b < a.Samples.Length; b++) for (var j = 1; j < nCtx; j++) index.Add((b, j));
        var nLabels = index.Select(r => a.Samples[r.B].N[r.J] - spec.MinN).ToArray();
        var tLabels = index.Select(r => a.Samples[r.B].Target[r.J]).ToArray();
        var entropy = index.Select(r => a.Beliefs[r.B].PosteriorEntropyNats[r.J]).ToArray();
        var mapN = index.Select(r => ArgMax(a.Beliefs[r.B].PosteriorN[r.J])).ToArray();
        var mapT = index.Select(r => ArgMax(a.Beliefs[r.B].PosteriorT[r.J])).ToArray();
        var pTrueT = index.Select(r => a.Beliefs[r.B].PosteriorT[r.J][a.Samples[r.B].Target[r.J]]).ToArray();
        var rows = new List<NRecurrenceBeliefProbe>();
        for (var l = 0; l < a.Acts.Residual.Length; l++)
        {
            var x = new float[index.Count * width];
            for (var i = 0; i < index.Count; i++)
                Array.Copy(a.Acts.Residual[l], (index[i].B * nCtx + index[i].J) * width, x, i * width, width);
            var accN = ProbeClassifier.HeldOutAccuracy(x, width, nLabels, spec.MaxN - spec.MinN + 1);
            var accT = ProbeClassifier.HeldOutAccuracy(x, width, tLabels, spec.VocabSize);
            var r2 = RidgeProbe.Fit(x, width, entropy, trainFraction: ProbeClassifier.TrainFraction, seed: ProbeClassifier.Seed).HeldOutR2;
            rows.Add(new NRecurrenceBeliefProbe(l, accN, accT, r2,
                ProbeClassifier.HeldOutAccuracy(x, width, mapN, spec.MaxN - spec.MinN + 1),
                ProbeClassifier.HeldOutAccuracy(x, width, mapT, spec.VocabSize),
                RidgeProbe.Fit(x, width, pTrueT, trainFraction: ProbeClassifier.TrainFraction, seed: ProbeClassifier.Seed).HeldOutR2));
        }

        var chanceN = nLabels.GroupBy(v => v).Max(g => g.Count()) / (double)nLabels.Length;
        var chanceT = tLabels.GroupBy(v => v).Max(g => g.Count()) / (double)tLabels.Length;
        return new NRecurrenceBeliefProbes(rows, chanceN, chanceT, index.Count);
    }

    public static ReportFigure Write(NRecurrenceBeliefProbes probes, string dir)
    {
        var (chanceN, chanceT, count) = (probes.ChanceN, probes.ChanceT, probes.Rows);
        var rows = probes.Layers.Select(p => (p.Layer, AccN: p.AccuracyN, AccT: p.AccuracyT, R2: p.R2Entropy)).ToList();
        var observerRows = probes.Layers.Select(p => (AccN: p.AccuracyObserverN, AccT: p.AccuracyObserverT, R2: p.R2ObserverPTrueT)).ToList();
        AnalysisFiles.WriteCsv(Path.Combine(dir, "belief_probes.csv"), ["hook", "accuracy_n", "accuracy_t", "r2_posterior_entropy", "accuracy_observer_map_n", "accuracy_observer_map_t", "r2_observer_p_true_t", "chance_n", "chance_t", "rows"],
            rows.Select((r, i) => (IReadOnlyList<object>)[$"blocks.{r.Layer}.hook_resid_post", r.AccN, r.AccT, r.R2, observerRows[i].AccN, observerRows[i].AccT, observerRows[i].R2, chanceN, chanceT, count]));
        var plot = new Plot();
        var xs = rows.Select(r => (double)r.Layer).ToArray();
        plot.Add.Scatter(xs, rows.Select(r => r.AccN).ToArray()).LegendText = "accuracy: current n";
        plot.Add.Scatter(xs, rows.Select(r => r.AccT).ToArray()).LegendText = "accuracy: current t";
        plot.Add.Scatter(xs, rows.Select(r => Math.Max(0, r.R2)).ToArray()).LegendText = "R²: observer posterior entropy";
        plot.Title("Linear probes from the residual stream (held-out)");
        plot.XLabel("layer (blocks.l.hook_resid_post)");
        plot.YLabel("accuracy / R²");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "belief_probes.png"));
        var last = rows[^1];
        var answer = $"After the last block: n accuracy {AnalysisFiles.F(last.AccN, "0.000")} (majority class {AnalysisFiles.F(chanceN, "0.000")}), " +
            $"t accuracy {AnalysisFiles.F(last.AccT, "0.000")} (majority {AnalysisFiles.F(chanceT, "0.000")}), posterior-entropy R² {AnalysisFiles.F(last.R2, "0.000")}; " +
            $"{count} rows, 80/20 split, ridge λ 1e-3 on standardised features.";
        var table = "| hook | acc(n) | acc(t) | R²(entropy) | acc(observer's MAP n) | acc(observer's MAP t) | R²(observer P(true t)) |\n|---|---|---|---|---|---|---|\n" +
            string.Concat(rows.Select((r, i) => $"| blocks.{r.Layer}.hook_resid_post | {AnalysisFiles.F(r.AccN, "0.000")} | {AnalysisFiles.F(r.AccT, "0.000")} | {AnalysisFiles.F(r.R2, "0.000")} | " +
                $"{AnalysisFiles.F(observerRows[i].AccN, "0.000")} | {AnalysisFiles.F(observerRows[i].AccT, "0.000")} | {AnalysisFiles.F(observerRows[i].R2, "0.000")} |\n"));
        return new ReportFigure("3. Decoding beliefs from the residual stream",
            "Can linear probes read the current n and t, and the observer's uncertainty (posterior entropy), from the residual stream?",
            answer, "belief_probes.csv", ["belief_probes.png"], table);
    }

    private static int ArgMax(double[] p)
    {
        var best = 0;
        for (var i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
