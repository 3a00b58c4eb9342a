using System.Globalization;
using ScottPlot;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Patching;

/// <summary>Writes a patching grid: grid.csv, one layer × position heatmap per candidate, and run.json, atomically.</summary>
public static class IclPatchGridWriter
{
    /// <summary>The heatmaps' file names, one per candidate: target rule, source rule at the target's x, source's literal answer.</summary>
    public static readonly string[] HeatmapFiles = ["grid_target_rule.png", "grid_source_rule.png", "grid_source_literal.png"];

    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>, ending with <paramref name="record"/> as run.json.</summary>
    public static void Write(IclPatchGridResult result, string folder, RunRecord record, bool plots = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(record);
        var csv = new Csv("layer", "position", "index", "token", "p_target_rule", "p_source_rule", "p_source_literal");
        foreach (var c in result.Cells) csv.Row(c.Layer, c.Position, c.Index, c.Token, c.PTargetRule, c.PSourceRule, c.PSourceLiteral);
        AtomicFile.WriteAllText(Path.Combine(folder, "grid.csv"), csv.ToString());
        var patch = result.Patch;
        if (plots)
        {
            var titles = new[]
            {
                $"P(target rule {patch.Options.Target.Text} → {patch.TargetRuleAnswer})",
                $"P(source rule {patch.Options.Source.Text} at target x → {patch.SourceRuleAnswer})",
                $"P(source literal answer {patch.SourceLiteralAnswer})",
            };
            for (var k = 0; k < 3; k++)
            {
                var candidate = k;
                AtomicFile.WritePng(Path.Combine(folder, HeatmapFiles[k]), temp => Heatmap(result, candidate, titles[candidate])
                    .SavePng(temp, Math.Clamp(260 + 22 * result.PositionCount, 640, 2400), Math.Clamp(220 + 18 * patch.Model.Layers, 480, 2400)));
            }
        }
        IclPatchWriter.Describe(record, patch);
        var p = record.Parameters;
        p["grid"] = true;
        p["positions"] = string.Create(CultureInfo.InvariantCulture, $"{result.FirstPosition}..{result.LastPosition}");
        var grid = IclPatchWriter.PromptsAndAnswers(record.Section("patch_grid"), patch);
        grid["source_tokens"] = result.SourceTokens;
        grid["target_tokens"] = result.TargetTokens;
        grid["aligned"] = "by offset from the end: position -k of each candidate (-1 = the position that predicts its first informative token) receives the source's l_out-L at its position -k";
        grid["unpatched_p_target_rule"] = patch.Rows[0].PTargetRule;
        grid["unpatched_p_source_rule"] = patch.Rows[0].PSourceRule;
        grid["unpatched_p_source_literal"] = patch.Rows[0].PSourceLiteral;
        grid["cells"] = result.Cells.Count;
        record.Finish(folder);
    }

    private static Plot Heatmap(IclPatchGridResult result, int candidate, string title)
    {
        var layers = result.Patch.Model.Layers;
        var width = result.PositionCount;
        var data = new double[layers, width]; // [layer (top row = last layer), position]
        var labels = new string[width];
        foreach (var c in result.Cells)
        {
            var column = c.Position - result.FirstPosition;
            data[layers - 1 - c.Layer, column] = candidate switch { 0 => c.PTargetRule, 1 => c.PSourceRule, _ => c.PSourceLiteral };
            labels[column] = Label(c.Token);
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Rectangle = new CoordinateRect(-0.5, width - 0.5, -0.5, layers - 0.5);
        plot.Add.ColorBar(heatmap).Label = "probability of the answer";
        plot.Title($"{title}, l_out-L patched from {result.Patch.Options.Source.Text} into {result.Patch.Options.Target.Text}");
        plot.XLabel("patched position of the target prompt (token)");
        plot.YLabel("patched layer L");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(labels.Select((l, i) => new Tick(i, l)).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 60;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, layers).Select(l => (double)l).ToArray(), Enumerable.Range(0, layers).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray());
        return plot;
    }

    /// <summary>A token as a tick label: spaces and line breaks made visible.</summary>
    private static string Label(string token) => token.Replace(' ', '␣').Replace("\n", "\\n").Replace("\t", "\\t");
}
