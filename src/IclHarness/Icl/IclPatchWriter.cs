using System.Globalization;
using ScottPlot;

namespace Probing.IclHarness.Icl;

/// <summary>Writes a patching run: patch.csv, run.json and patch.png, atomically.</summary>
public static class IclPatchWriter
{
    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>.</summary>
    public static void Write(IclPatchResult result, string folder, DateTimeOffset createdUtc, bool plots = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        AtomicFile.EnsureWritableFolder(folder);
        var csv = new Csv("layer", "p_target_rule", "p_source_rule_on_target_x", "p_source_literal");
        foreach (var r in result.Rows) csv.Row(r.Layer, r.PTargetRule, r.PSourceRule, r.PSourceLiteral);
        AtomicFile.WriteAllText(Path.Combine(folder, "patch.csv"), csv.ToString());
        if (plots) AtomicFile.Write(Path.Combine(folder, "patch.png"), temp => Plot(result).SavePng(temp, 900, 560));
        var o = result.Options;
        AtomicFile.WriteAllText(Path.Combine(folder, "run.json"), Json.Write(w =>
        {
            w.WriteStartObject();
            IclRunWriter.WriteProvenance(w, "probe icl patch", createdUtc);
            w.WriteStartObject("model");
            w.WriteString("path", result.Model.Path);
            w.WriteString("sha256", result.Model.Sha256);
            w.WriteNumber("n_layers", result.Model.Layers);
            w.WriteEndObject();
            w.WriteString("source", o.Source.Text);
            w.WriteString("target", o.Target.Text);
            w.WriteString("template", o.Template.Name);
            w.WriteNumber("examples", o.Examples);
            w.WriteString("x_range", $"{o.XMin}..{o.XMax}");
            w.WriteNumber("seed", o.Seed);
            w.WriteString("source_prompt", result.SourcePrompt);
            w.WriteString("target_prompt", result.TargetPrompt);
            w.WriteNumber("source_x", result.SourceX);
            w.WriteNumber("target_x", result.TargetX);
            w.WriteNumber("target_rule_answer", result.TargetRuleAnswer);
            w.WriteNumber("source_rule_answer", result.SourceRuleAnswer);
            w.WriteNumber("source_literal_answer", result.SourceLiteralAnswer);
            w.WriteString("patched", "l_out-L at the position that predicts the answer's first informative token, in the source and in each candidate");
            w.WriteEndObject();
        }));
    }

    private static Plot Plot(IclPatchResult result)
    {
        var plot = new Plot();
        var rows = result.Rows.Where(r => r.Layer >= 0).ToList();
        var xs = rows.Select(r => (double)r.Layer).ToArray();
        plot.Add.Scatter(xs, rows.Select(r => r.PTargetRule).ToArray()).LegendText = $"target rule {result.Options.Target.Text} → {result.TargetRuleAnswer}";
        plot.Add.Scatter(xs, rows.Select(r => r.PSourceRule).ToArray()).LegendText = $"source rule at target x → {result.SourceRuleAnswer}";
        plot.Add.Scatter(xs, rows.Select(r => r.PSourceLiteral).ToArray()).LegendText = $"source literal answer {result.SourceLiteralAnswer}";
        plot.Title($"Patching l_out-L from {result.Options.Source.Text} into {result.Options.Target.Text}");
        plot.XLabel("patched layer L");
        plot.YLabel("probability of the answer");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
