using System.Text.Json.Nodes;
using ScottPlot;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Patching;

/// <summary>Writes a patching run: patch.csv, run.json and patch.png, atomically.</summary>
public static class IclPatchWriter
{
    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>.</summary>
    public static void Write(IclPatchResult result, string folder, DateTimeOffset startedUtc, bool plots = true) =>
        Write(result, folder, new RunRecord("icl patch", startedUtc), plots);

    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>, ending with <paramref name="record"/> as run.json.</summary>
    public static void Write(IclPatchResult result, string folder, RunRecord record, bool plots = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(record);
        var csv = new Csv("layer", "p_target_rule", "p_source_rule_on_target_x", "p_source_literal");
        foreach (var r in result.Rows) csv.Row(r.Layer, r.PTargetRule, r.PSourceRule, r.PSourceLiteral);
        AtomicFile.WriteAllText(Path.Combine(folder, "patch.csv"), csv.ToString());
        if (plots) AtomicFile.WritePng(Path.Combine(folder, "patch.png"), temp => Plot(result).SavePng(temp, 900, 560));
        Describe(record, result);
        var patch = PromptsAndAnswers(record.Section("patch"), result);
        patch["patched"] = "l_out-L at the position that predicts the answer's first informative token, in the source and in each candidate";
        record.Finish(folder);
    }

    /// <summary>What run.json says of every patch run (per layer or grid): host, seed, model, the two rules and the prompts' options.</summary>
    internal static void Describe(RunRecord record, IclPatchResult result)
    {
        var o = result.Options;
        HarnessInfo.Describe(record);
        record.Seed = o.Seed;
        record.SetModel(result.Model.Path, result.Model.Sha256)["n_layers"] = result.Model.Layers;
        var p = record.Parameters;
        p["source"] = o.Source.Text;
        p["target"] = o.Target.Text;
        p["template"] = o.Template.Name;
        p["examples"] = o.Examples;
        p["x_range"] = $"{o.XMin}..{o.XMax}";
        p["seed"] = o.Seed;
    }

    /// <summary>The two prompts, their x and the three candidate answers, into <paramref name="section"/> (returned for more keys).</summary>
    internal static JsonObject PromptsAndAnswers(JsonObject section, IclPatchResult result)
    {
        section["source_prompt"] = result.SourcePrompt;
        section["target_prompt"] = result.TargetPrompt;
        section["source_x"] = result.SourceX;
        section["target_x"] = result.TargetX;
        section["target_rule_answer"] = result.TargetRuleAnswer;
        section["source_rule_answer"] = result.SourceRuleAnswer;
        section["source_literal_answer"] = result.SourceLiteralAnswer;
        return section;
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
