using System.Globalization;
using ScottPlot;
using Probing.Runs;

namespace Probing.IclHarness.Icl;

/// <summary>Writes a task-vector run: task_vector.csv, task_vector.png and run.json, atomically.</summary>
public static class IclTaskVectorWriter
{
    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>, ending with <paramref name="record"/> as run.json.</summary>
    public static void Write(IclTaskVectorResult result, string folder, RunRecord record, bool plots = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(record);
        var csv = new Csv("layer", "p_correct_mean", "p_correct_lo", "p_correct_hi", "accuracy");
        foreach (var r in result.Rows) csv.Row(r.Layer, r.PCorrect.Mean, r.PCorrect.Lo, r.PCorrect.Hi, r.Accuracy);
        AtomicFile.WriteAllText(Path.Combine(folder, "task_vector.csv"), csv.ToString());
        if (plots) AtomicFile.WritePng(Path.Combine(folder, "task_vector.png"), temp => Plot(result).SavePng(temp, 900, 560));
        var o = result.Options;
        HarnessInfo.Describe(record);
        record.Seed = o.Seed;
        record.SetModel(result.Model.Path, result.Model.Sha256)["n_layers"] = result.Model.Layers;
        var p = record.Parameters;
        p["task"] = o.Task.Text;
        p["template"] = o.Template.Name;
        p["examples"] = o.Examples;
        p["contexts"] = o.Contexts;
        p["queries"] = o.Queries;
        p["x_range"] = $"{o.XMin}..{o.XMax}";
        p["seed"] = o.Seed;
        var section = record.Section("task_vector");
        section["injected"] = "mean over contexts of l_out-L at the position that predicts the answer's first informative token, written at that position of the zero-shot prompt";
        section["p_correct"] = "P(the task's answer and its closing token), teacher-forced; mean and 95% t-interval over queries";
        section["accuracy"] = "fraction of queries with P(answer and closing token) > 0.5";
        section["zero_shot_p_correct"] = result.ZeroShot.PCorrect.Mean;
        section["zero_shot_accuracy"] = result.ZeroShot.Accuracy;
        section["full_icl_p_correct"] = result.FullIcl.PCorrect.Mean;
        section["full_icl_accuracy"] = result.FullIcl.Accuracy;
        section["example_zero_shot_prompt"] = result.ExampleZeroShotPrompt;
        record.Finish(folder);
    }

    private static Plot Plot(IclTaskVectorResult result)
    {
        var plot = new Plot();
        var xs = result.Rows.Select(r => (double)r.Layer).ToArray();
        plot.Add.Scatter(xs, result.Rows.Select(r => r.Accuracy).ToArray()).LegendText = "accuracy with the task vector";
        plot.Add.Scatter(xs, result.Rows.Select(r => r.PCorrect.Mean).ToArray()).LegendText = "mean P(correct) with the task vector";
        var inv = CultureInfo.InvariantCulture;
        var k = result.Options.Examples;
        foreach (var (value, label, pattern) in new[]
        {
            (result.ZeroShot.Accuracy, string.Create(inv, $"zero-shot accuracy ({result.ZeroShot.Accuracy:0.##})"), LinePattern.Dashed),
            (result.FullIcl.Accuracy, string.Create(inv, $"{k}-shot accuracy ({result.FullIcl.Accuracy:0.##})"), LinePattern.Dashed),
            (result.ZeroShot.PCorrect.Mean, string.Create(inv, $"zero-shot P(correct) ({result.ZeroShot.PCorrect.Mean:0.###})"), LinePattern.Dotted),
            (result.FullIcl.PCorrect.Mean, string.Create(inv, $"{k}-shot P(correct) ({result.FullIcl.PCorrect.Mean:0.###})"), LinePattern.Dotted),
        })
        {
            var line = plot.Add.HorizontalLine(value);
            line.LegendText = label;
            line.LinePattern = pattern;
        }
        plot.Title($"Task vector for {result.Options.Task.Text}: {result.Options.Contexts} contexts, {result.Options.Queries} zero-shot queries");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, xs.Select(x => x.ToString(inv)).ToArray()); // whole layers only
        plot.XLabel("injected layer L (l_out-L)");
        plot.YLabel("accuracy / P(correct)");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
