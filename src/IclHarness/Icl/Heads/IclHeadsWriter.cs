using System.Globalization;
using System.Text;
using Probing.IclHarness.Icl.Report;
using Probing.Runs;
using ScottPlot;

namespace Probing.IclHarness.Icl.Heads;

/// <summary>
/// Writes a <c>probe icl heads</c> run: heads.csv (context, example, layer, head, attribution), sites.csv (every
/// component per site and the completeness terms), layers.csv (per-layer mean totals and the lens's numeric-top
/// fraction), heads.png (layer × head mean, symmetric capped colour scale), report.md and run.json, each atomically.
/// </summary>
public static class IclHeadsWriter
{
    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>.</summary>
    public static void Write(IclHeadsResult result, string folder, DateTimeOffset startedUtc, bool plots = true) =>
        Write(result, folder, new RunRecord("icl heads", startedUtc), plots);

    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>, ending with <paramref name="record"/> as run.json.</summary>
    public static void Write(IclHeadsResult result, string folder, RunRecord record, bool plots = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(record);
        AtomicFile.WriteAllText(Path.Combine(folder, "heads.csv"), HeadsCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "sites.csv"), SitesCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "layers.csv"), LayersCsv(result));
        var cap = Cap(result);
        if (plots)
        {
            AtomicFile.WritePng(Path.Combine(folder, "heads.png"), temp => Heatmap(result, cap).SavePng(temp, 900, Math.Clamp(200 + 24 * result.HeadCounts.Length, 480, 2400)));
            AtomicFile.WriteAllText(Path.Combine(folder, "report.md"), Report(result, cap));
        }
        // run.json last: its presence marks a complete folder.
        Describe(record, result, cap);
        record.Finish(folder, result.Partial);
    }

    /// <summary>The colour cap: the option, or the largest |mean attribution| when it is 0.</summary>
    public static double Cap(IclHeadsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Options.Cap > 0) return result.Options.Cap;
        var largest = result.MeanHeads().SelectMany(r => r).Select(Math.Abs).DefaultIfEmpty(0).Max();
        return largest > 0 ? largest : 1;
    }

    internal static string HeadsCsv(IclHeadsResult r)
    {
        var csv = new Csv("context", "example", "layer", "head", "attribution");
        for (var s = 0; s < r.Sites.Count; s++)
            for (var l = 0; l < r.HeadCounts.Length; l++)
                for (var h = 0; h < r.HeadCounts[l]; h++) csv.Row(r.Sites[s].Context, r.Sites[s].Example, l, h, r.Heads[s][l][h]);
        return csv.ToString();
    }

    internal static string SitesCsv(IclHeadsResult r)
    {
        var header = new List<string> { "context", "example", "x", "y", "position", "token", "piece", "embedding" };
        for (var l = 0; l < r.HeadCounts.Length; l++) header.AddRange([$"attn_heads_{l}", $"attn_bias_{l}", $"mlp_{l}"]);
        header.AddRange(["constant", "sum", "actual"]);
        var csv = new Csv([.. header]);
        for (var s = 0; s < r.Sites.Count; s++)
        {
            var site = r.Sites[s];
            var row = new List<object?> { site.Context, site.Example, site.X, site.Y, site.Position, site.Token, IclRunWriter.Escape(site.Piece), r.Embedding[s] };
            var sum = r.Embedding[s] + r.Constant[s];
            for (var l = 0; l < r.HeadCounts.Length; l++)
            {
                var attention = r.Heads[s][l].Sum();
                row.AddRange([attention, r.AttentionBias[s][l], r.Mlp[s][l]]);
                sum += attention + r.AttentionBias[s][l] + r.Mlp[s][l];
            }
            row.AddRange([r.Constant[s], sum, r.Actual[s]]);
            csv.Row([.. row]);
        }
        return csv.ToString();
    }

    internal static string LayersCsv(IclHeadsResult r)
    {
        var csv = new Csv("layer", "attn_heads", "attn_bias", "mlp", "block_total", "lens_numeric_top_fraction");
        for (var l = 0; l < r.HeadCounts.Length; l++)
        {
            var (heads, bias, mlp) = (Mean(r, s => r.Heads[s][l].Sum()), Mean(r, s => r.AttentionBias[s][l]), Mean(r, s => r.Mlp[s][l]));
            csv.Row(l, heads, bias, mlp, heads + bias + mlp, r.NumericTopFraction?[l]);
        }
        return csv.ToString();
    }

    private static double Mean(IclHeadsResult r, Func<int, double> value) => r.Sites.Count == 0 ? 0 : Enumerable.Range(0, r.Sites.Count).Average(value);

    private static Plot Heatmap(IclHeadsResult r, double cap)
    {
        var means = r.MeanHeads();
        var layers = means.Length;
        var width = r.HeadCounts.Max();
        var grid = new double[layers, width]; // [layer (top row = last layer), head]; NaN where a layer has fewer heads
        for (var l = 0; l < layers; l++)
            for (var h = 0; h < width; h++) grid[layers - 1 - l, h] = h < means[l].Length ? Math.Clamp(means[l][h], -cap, cap) : double.NaN;
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Balance(); // diverging: blue negative, white zero, red positive
        heatmap.ManualRange = new ScottPlot.Range(-cap, cap);
        heatmap.Rectangle = new CoordinateRect(-0.5, width - 0.5, -0.5, layers - 0.5);
        plot.Add.ColorBar(heatmap).Label = string.Create(CultureInfo.InvariantCulture, $"mean attribution (logits), capped at ±{cap:G3}");
        plot.Title($"Direct logit attribution per head, task {r.Options.Task.Text} ({r.Sites.Count} answers)");
        plot.XLabel("head");
        plot.YLabel("layer");
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, width).Select(h => (double)h).ToArray(), Enumerable.Range(0, width).Select(h => h.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, layers).Select(l => (double)l).ToArray(), Enumerable.Range(0, layers).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray());
        return plot;
    }

    internal static string Report(IclHeadsResult r, double cap)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var c = r.Completeness;
        sb.Append(inv, $"# Per-head direct logit attribution: {r.Options.Task.Text}\n\n");
        sb.Append(inv, $"Model `{Path.GetFileName(r.Model.Path)}` (sha256 {r.Model.Sha256[..12]}…, {r.Model.Layers} layers, attn_output.weight {r.OutputProjectionType}); ");
        sb.Append(inv, $"{r.Options.Contexts} contexts × {r.Options.Examples} examples = {r.Sites.Count} answers{(r.Partial ? " (interrupted: partial)" : "")}.\n\n");
        sb.Append(inv, $"Each answer is read at the position that predicts its first informative token. The attributed quantity is ");
        sb.Append(inv, $"logit[correct] − mean logit[baseline], baseline = the {r.BaselineSize} {(r.Options.Baseline == HeadBaseline.Numeric ? "numeric tokens" : $"tokens of the integers 0..{r.Options.MaxInteger}")} of the vocabulary other than the correct token. ");
        sb.Append("Each component is divided by the final norm's scale of the real final residual (frozen, as TransformerLens's apply_ln_to_stack), multiplied by the norm's gain and dotted with W_U[correct] − mean W_U[baseline].\n\n");
        sb.Append(inv, $"Completeness (checked, tolerance {c.Tolerance:G2}): heads + b_O vs ffn_inp-N − l_out-(N−1) worst relative error {c.WorstAttentionError:E2} (layer {c.WorstAttentionLayer}); ");
        sb.Append(inv, $"embedding + blocks vs final residual {c.WorstResidualError:E2}; attributions vs llama.cpp's logit difference {c.WorstLogitError:E2}.\n\n");
        sb.Append(inv, $"![heads](heads.png)\n\nColour scale symmetric, capped at ±{cap:G3} logits{(r.Options.Cap > 0 ? " (the cap given)" : " (the largest |mean|)")}.\n\n");
        sb.Append("## Top heads (mean attribution over answers)\n\n| layer | head | mean | mean |abs| |\n|---:|---:|---:|---:|\n");
        var ranked = r.HeadCounts.SelectMany((n, l) => Enumerable.Range(0, n).Select(h => (l, h))).Select(t =>
            (t.l, t.h, Mean: Mean(r, s => r.Heads[s][t.l][t.h]), Abs: Mean(r, s => Math.Abs(r.Heads[s][t.l][t.h])))).OrderByDescending(t => Math.Abs(t.Mean)).Take(10);
        foreach (var t in ranked) sb.Append(inv, $"| {t.l} | {t.h} | {t.Mean:F4} | {t.Abs:F4} |\n");
        sb.Append("\n## Per layer (mean over answers)\n\n| layer | Σ heads | b_O | MLP | lens: numeric top |\n|---:|---:|---:|---:|---:|\n");
        for (var l = 0; l < r.HeadCounts.Length; l++)
            sb.Append(inv, $"| {l} | {Mean(r, s => r.Heads[s][l].Sum()):F4} | {Mean(r, s => r.AttentionBias[s][l]):F4} | {Mean(r, s => r.Mlp[s][l]):F4} | {(r.NumericTopFraction is { } f ? f[l].ToString("P0", inv) : "–")} |\n");
        sb.Append(inv, $"\nEmbedding {Mean(r, s => r.Embedding[s]):F4}; constant terms {Mean(r, s => r.Constant[s]):F4}; llama.cpp's logit difference {Mean(r, s => r.Actual[s]):F4}.\n\n");
        sb.Append(r.NumericTopFraction is null ? "The logit lens was skipped.\n"
            : r.FirstNumericLayer is { } first ? $"Numeric tokens first become the lens's top token (at more than half of the answers) at layer {first}.\n"
            : "At no layer is the lens's top token numeric at more than half of the answers.\n");
        return sb.ToString();
    }

    private static void Describe(RunRecord record, IclHeadsResult r, double cap)
    {
        var o = r.Options;
        var c = r.Completeness;
        HarnessInfo.Describe(record);
        record.Seed = o.Seed;
        var model = record.SetModel(r.Model.Path, r.Model.Sha256);
        model["n_layers"] = r.Model.Layers;
        model["attn_output_type"] = r.OutputProjectionType;
        var p = record.Parameters;
        p["task"] = o.Task.Text;
        p["template"] = o.Template.Name;
        p["examples"] = o.Examples;
        p["x_range"] = $"{o.XMin}..{o.XMax}";
        p["seed"] = o.Seed;
        p["distinct"] = o.Distinct;
        p["contexts"] = o.Contexts;
        p["baseline"] = o.Baseline.ToString().ToLowerInvariant();
        p["baseline_tokens"] = r.BaselineSize;
        p["max_integer"] = o.MaxInteger;
        p["cap"] = cap;
        p["lens"] = o.Lens;
        p["batch"] = o.BatchContexts;
        record.SetExtra("attributed", "logit[correct first informative token] - mean logit[baseline tokens other than it], final-norm scale frozen from the run");
        var completeness = record.Section("completeness");
        completeness["tolerance"] = c.Tolerance;
        completeness["worst_attention_error"] = RunRecord.Number(c.WorstAttentionError);
        completeness["worst_attention_layer"] = c.WorstAttentionLayer;
        completeness["worst_residual_error"] = RunRecord.Number(c.WorstResidualError);
        completeness["worst_logit_error"] = RunRecord.Number(c.WorstLogitError);
        completeness["passed"] = c.Passed;
        if (r.FirstNumericLayer is { } first) record.SetExtra("first_numeric_top_layer", first);
    }
}
