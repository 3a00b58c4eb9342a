using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// The model's exact expected loss per position, computed over every enumerated prefix weighted by its
/// probability (no sampling noise): E[loss at N] = Σ_s P(s) · CE(Bayes predictive(s), model(s)) = Bayes loss + E[KL].
/// </summary>
/// <param name="Flips">N per row.</param>
/// <param name="ModelLoss">Exact expected model loss per N (nats).</param>
/// <param name="BayesLoss">Exact Bayes-optimal loss per N (nats).</param>
/// <param name="Kl">Exact expected KL(Bayes ‖ model) per N (nats).</param>
/// <param name="KnownPFloor">E[H(p)], the floor (not the optimum).</param>
/// <param name="CoversAllPositions">Whether every predicted position was enumerated.</param>
public sealed record ExactLossAnalysis(int[] Flips, double[] ModelLoss, double[] BayesLoss, double[] Kl, double KnownPFloor, bool CoversAllPositions)
{
    /// <summary>Mean exact model loss over the enumerated positions.</summary>
    public double MeanModelLoss => ModelLoss.Average();

    /// <summary>Mean Bayes loss over the same positions.</summary>
    public double MeanBayesLoss => BayesLoss.Average();

    /// <summary>Mean KL to the Bayes predictive over the same positions.</summary>
    public double MeanKl => Kl.Average();

    /// <summary>Weights every prefix by its probability under the data distribution.</summary>
    public static ExactLossAnalysis Run(EnumeratedPrefixes prefixes, BetaBernoulliReference reference)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentNullException.ThrowIfNull(reference);
        var options = reference.Options;
        var lastFlips = options.NCtx - 1; // with or without BOS, the last predicted position has seen n_ctx − 1 flips
        var maxN = Math.Min(prefixes.MaxFlips, lastFlips);
        var flips = Enumerable.Range(prefixes.MinFlips, maxN - prefixes.MinFlips + 1).ToArray();
        var model = new double[flips.Length];
        var bayes = new double[flips.Length];
        var kl = new double[flips.Length];
        for (var i = 0; i < flips.Length; i++)
        {
            var n = flips[i];
            var seqP = Enumerable.Range(0, n + 1).Select(h => CalibrationAnalysis.SequenceProbability(reference, h, n)).ToArray();
            var q = Enumerable.Range(0, n + 1).Select(h => reference.Predictive(h, n)).ToArray();
            for (long x = 0; x < 1L << n; x++)
            {
                var h = EnumeratedPrefixes.Heads(x, n);
                var lp1 = Math.Log(prefixes.PHeads[n][x]);
                var lp0 = Math.Log(prefixes.PTails[n][x]);
                model[i] += seqP[h] * -(q[h] * lp1 + (1 - q[h]) * lp0);
                kl[i] += seqP[h] * BetaBernoulliMetrics.Kl(q[h], lp1, lp0);
            }

            bayes[i] = reference.BayesLossByPosition[BetaBernoulliCollector.PositionOf(n, options.Bos)];
        }

        return new ExactLossAnalysis(flips, model, bayes, kl, reference.KnownPFloorNats, maxN == lastFlips && flips[0] == (options.Bos ? 0 : 1));
    }

    /// <summary>Writes <c>loss_by_position.csv</c> and <c>loss_by_position.png</c>.</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "loss_by_position.csv"), ["n_flips", "model_loss_nats", "bayes_loss_nats", "kl_to_bayes_nats", "known_p_floor_nats"],
            Flips.Select((n, i) => (IReadOnlyList<object>)[n, ModelLoss[i], BayesLoss[i], Kl[i], KnownPFloor]));
        var plot = new Plot();
        var xs = Flips.Select(n => (double)n).ToArray();
        var m = plot.Add.Scatter(xs, ModelLoss);
        m.LegendText = "model (exact expectation)";
        var b = plot.Add.Scatter(xs, BayesLoss);
        b.LegendText = "Bayes-optimal";
        b.LinePattern = LinePattern.Dashed;
        var f = plot.Add.HorizontalLine(KnownPFloor);
        f.LegendText = "known-p floor E[H(p)] (not achievable)";
        f.LineColor = Colors.Gray;
        plot.Title("Expected loss by position");
        plot.XLabel("N (flips seen)");
        plot.YLabel("nats");
        plot.ShowLegend(Alignment.UpperRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "loss_by_position.png"));
        return new ReportFigure(
            "0. Loss against the Bayes-optimal loss",
            "How far is the model's expected loss from the exact Bayes-optimal loss? (exact expectation over all enumerated sequences, no sampling noise)",
            $"Mean over {(CoversAllPositions ? "all" : "the enumerated")} {Flips.Length} positions (N = {Flips[0]} … {Flips[^1]}): model {AnalysisFiles.F(MeanModelLoss)} nats, " +
            $"Bayes-optimal {AnalysisFiles.F(MeanBayesLoss)} nats, gap = KL = {AnalysisFiles.F(MeanKl, "0.00000")} nats; known-p floor (a floor, not the optimum) {AnalysisFiles.F(KnownPFloor)} nats. " +
            $"Largest per-position KL {AnalysisFiles.F(Kl.Max(), "0.00000")} nats at N = {Flips[Array.IndexOf(Kl, Kl.Max())]}.",
            "loss_by_position.csv", ["loss_by_position.png"]);
    }
}
