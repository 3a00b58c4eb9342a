using Probing.ToyModels.Analysis;
using ScottPlot;
using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>Writes the previous-token analyses as CSV + PNG and a <c>report.md</c> that answers seed 003's question.</summary>
public static class PreviousTokenReport
{
    /// <summary>Writes every file of <paramref name="result"/> into <paramref name="dir"/> (created if missing).</summary>
    public static IReadOnlyList<ReportFigure> Write(PreviousTokenAnalysisResult result, string dir)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (data, header) = (result.Data, result.Header);
        Directory.CreateDirectory(dir);
        var figures = new List<ReportFigure> { Metrics(result, data, dir), Attention(result, dir), Position(result, dir), Dla(result, dir) };
        figures.Add(new ReportFigure(
            "5. Can a model without positional embeddings attend to the previous token, and how?",
            $"This model's positional embedding: `{result.PositionalEmbedding}`.",
            Conclusion(result, data), "attention_mean.csv", []));
        AnalysisFiles.WriteText(Path.Combine(dir, "report.md"), BetaBernoulliAnalyzer.Render("Previous-token analysis (re-deriving position)", header, figures));
        return figures;
    }

    /// <summary>The one-paragraph answer, from the numbers.</summary>
    public static string Conclusion(PreviousTokenAnalysisResult r, PreviousTokenDataOptions data)
    {
        var best = r.Heads.MaxBy(h => h.PreviousTokenScore)!;
        var counting = r.Heads.Where(h => h.Layer == 0).MinBy(h => h.UniformDeviation)!;
        var early = r.PositionR2.Where(p => p.Hook.StartsWith("blocks.0.", StringComparison.Ordinal)).ToArray();
        var firstR2 = early.Length > 0 ? early.Max(p => p.R2) : double.NaN;
        var chance = 1.0 / data.Vocab;
        var solved = r.Metrics.MeanAccuracy > 0.9;
        var topDla = r.DirectLogitAttribution.MaxBy(d => d.Attribution);
        var headDla = r.DirectLogitAttribution.Where(d => d.Component.StartsWith('L')).Sum(d => d.Attribution);
        var current = r.Heads.Where(h => h.Layer == best.Layer && h.Head == best.Head).Select(h => Enumerable.Range(0, h.Mean.GetLength(0)).Average(q => h.Mean[q, q])).First();
        return $"Accuracy {AnalysisFiles.F(100 * r.Metrics.MeanAccuracy, "0.0")}% (chance {AnalysisFiles.F(100 * chance, "0.0")}%), loss {AnalysisFiles.F(r.Metrics.MeanLoss)} nats: " +
            $"{(solved ? "the task is solved" : "the task is not fully solved")}. The strongest previous-token head is L{best.Layer}H{best.Head}, with mean weight " +
            $"{AnalysisFiles.F(best.PreviousTokenScore, "0.000")} on key q−1 and {AnalysisFiles.F(current, "0.000")} on the current key q. Direct logit attribution: largest `{topDla.Component}` " +
            $"({AnalysisFiles.F(topDla.Attribution, "0.00")}); all heads together {AnalysisFiles.F(headDla, "0.00")}. Position becomes linearly decodable inside block 0 (best held-out R² {AnalysisFiles.F(firstR2, "0.000")}" +
            $"{(early.Length > 0 ? $" at `{early.MaxBy(p => p.R2).Hook}`" : "")}). The layer-0 head closest to uniform causal attention is L0H{counting.Head}: its weight on the first " +
            $"token{(data.Bos ? " (BOS)" : "")} deviates from 1/(q+1) by {AnalysisFiles.F(counting.UniformDeviation, "0.000")} on average. " +
            (r.PositionalEmbedding is "none" or "fixed"
                ? "With no positional signal in the input, this is the mechanism available: the causal mask makes a uniformly attending head average over q+1 keys, so the share of a distinguished first token falls as 1/(q+1); the MLP can turn that into position features that a later head's query/key match to attend to q−1."
                : "This model had a positional embedding, so it need not count; compare with the `none` and `frozen-zero` runs.");
    }

    private static ReportFigure Metrics(PreviousTokenAnalysisResult r, PreviousTokenDataOptions data, string dir)
    {
        var positions = Enumerable.Range(data.FirstScoredPosition, data.NCtx - data.FirstScoredPosition).ToArray();
        AnalysisFiles.WriteCsv(Path.Combine(dir, "loss_accuracy_by_position.csv"), ["position", "loss_nats", "accuracy"],
            positions.Select(t => (IReadOnlyList<object>)[t, r.Metrics.Loss[t], r.Metrics.Accuracy[t]]));
        var plot = new Plot();
        var xs = positions.Select(t => (double)t).ToArray();
        var acc = plot.Add.Scatter(xs, positions.Select(t => r.Metrics.Accuracy[t]).ToArray());
        acc.LegendText = "accuracy";
        var loss = plot.Add.Scatter(xs, positions.Select(t => r.Metrics.Loss[t]).ToArray());
        loss.LegendText = "loss (nats)";
        plot.Title($"Previous-token task, positions: {r.PositionalEmbedding}");
        plot.XLabel("position");
        plot.ShowLegend(Alignment.MiddleRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "loss_accuracy_by_position.png"));
        var worst = positions.MinBy(t => r.Metrics.Accuracy[t]);
        return new ReportFigure("1. Loss and accuracy by position", "How well is the previous token predicted at each position?",
            $"Mean loss {AnalysisFiles.F(r.Metrics.MeanLoss)} nats, mean accuracy {AnalysisFiles.F(100 * r.Metrics.MeanAccuracy, "0.0")}%; worst position {worst} " +
            $"({AnalysisFiles.F(100 * r.Metrics.Accuracy[worst], "0.0")}%), last position {AnalysisFiles.F(100 * r.Metrics.Accuracy[data.NCtx - 1], "0.0")}%.",
            "loss_accuracy_by_position.csv", ["loss_accuracy_by_position.png"]);
    }

    private static ReportFigure Attention(PreviousTokenAnalysisResult r, string dir)
    {
        var n = r.Heads[0].Mean.GetLength(0);
        AnalysisFiles.WriteCsv(Path.Combine(dir, "attention_mean.csv"), ["layer", "head", "query", "key", "weight"],
            r.Heads.SelectMany(h => Enumerable.Range(0, n).SelectMany(q => Enumerable.Range(0, n).Select(k => (IReadOnlyList<object>)[h.Layer, h.Head, q, k, h.Mean[q, k]]))));
        var pngs = new List<string>();
        foreach (var h in r.Heads)
        {
            var plot = new Plot();
            // ScottPlot draws heatmap row 0 at the top, so query 0 is on top as in TransformerLens plots.
            var hm = plot.Add.Heatmap(h.Mean);
            hm.Colormap = new ScottPlot.Colormaps.Viridis();
            plot.Add.ColorBar(hm);
            plot.Title($"L{h.Layer}H{h.Head} mean attention (prev-token score {AnalysisFiles.F(h.PreviousTokenScore, "0.00")})");
            plot.XLabel("key position");
            plot.YLabel("query position (top = 0)");
            var name = $"attention_L{h.Layer}H{h.Head}.png";
            AnalysisFiles.SavePng(plot, Path.Combine(dir, name), 520, 460);
            pngs.Add(name);
        }

        var table = "| head | weight on q−1 | mean |weight on key 0 − 1/(q+1)| |\n|---|---|---|\n" +
            string.Concat(r.Heads.Select(h => $"| L{h.Layer}H{h.Head} | {AnalysisFiles.F(h.PreviousTokenScore, "0.000")} | {AnalysisFiles.F(h.UniformDeviation, "0.000")} |\n"));
        var best = r.Heads.MaxBy(h => h.PreviousTokenScore)!;
        return new ReportFigure("2. Attention patterns (mean over the batch)", "Which heads attend to the previous token, and which attend uniformly (counting)?",
            $"Strongest previous-token head L{best.Layer}H{best.Head}: mean weight {AnalysisFiles.F(best.PreviousTokenScore, "0.000")} on key q−1.",
            "attention_mean.csv", pngs, table);
    }

    private static ReportFigure Position(PreviousTokenAnalysisResult r, string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "position_probes.csv"), ["hook", "heldout_r2"], r.PositionR2.Select(p => (IReadOnlyList<object>)[p.Hook, p.R2]));
        var plot = new Plot();
        var bars = plot.Add.Bars(r.PositionR2.Select(p => Math.Max(-0.1, p.R2)).ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            r.PositionR2.Select((p, i) => new Tick(i, p.Hook.Replace("blocks.", "").Replace("hook_", ""))).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 120; // room for the rotated hook names
        plot.Axes.SetLimitsY(-0.1, 1.05);
        plot.Title("Linear probe for the position (held-out R²)");
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "position_probes.png"));
        _ = bars;
        return new ReportFigure("3. Where is position represented?", "How linearly does each residual hook encode the position (ridge probe, held-out R², positions ≥ 1)?",
            string.Join("; ", r.PositionR2.Select(p => $"`{p.Hook}` {AnalysisFiles.F(p.R2, "0.000")}")) + ".",
            "position_probes.csv", ["position_probes.png"]);
    }

    private static ReportFigure Dla(PreviousTokenAnalysisResult r, string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "direct_logit_attribution.csv"), ["component", "mean_attribution"],
            r.DirectLogitAttribution.Select(d => (IReadOnlyList<object>)[d.Component, d.Attribution]));
        var plot = new Plot();
        plot.Add.Bars(r.DirectLogitAttribution.Select(d => d.Attribution).ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            r.DirectLogitAttribution.Select((d, i) => new Tick(i, d.Component)).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 120; // room for the rotated hook names
        plot.Title("Direct logit attribution (correct token − mean logit)");
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "direct_logit_attribution.png"));
        var top = r.DirectLogitAttribution.OrderByDescending(d => d.Attribution).Take(3).ToArray();
        return new ReportFigure("4. Direct logit attribution", "Which components write the correct previous token into the logits (embed, pos_embed, each head, each MLP)?",
            "Largest: " + string.Join(", ", top.Select(d => $"{d.Component} {AnalysisFiles.F(d.Attribution, "0.00")}")) + " (logit units, averaged over scored positions; the `L{l}_attn_out` rows are the sums of that layer's heads plus b_O).",
            "direct_logit_attribution.csv", ["direct_logit_attribution.png"]);
    }
}
