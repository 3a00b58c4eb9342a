using System.Globalization;
using System.Text.Json.Nodes;
using ScottPlot;
using Probing.Runs;

namespace Probing.IclHarness.Icl.TaskVector;

/// <summary>Writes a task-vector run: task_vector.csv, task_vector.png and run.json, atomically.</summary>
public static class IclTaskVectorWriter
{
    /// <summary>Writes <paramref name="result"/> into <paramref name="folder"/>, ending with <paramref name="record"/> as run.json.</summary>
    public static void Write(IclTaskVectorResult result, string folder, RunRecord record, bool plots = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(record);
        var o = result.Options;
        var wrongTask = o.IntoTask is not null;
        var fv = result.FunctionVectorRows;
        var header = new List<string> { "layer" };
        header.AddRange(Columns("", wrongTask));
        if (fv is not null) header.AddRange(Columns("fv_", wrongTask));
        var csv = new Csv([.. header]);
        for (var i = 0; i < result.Rows.Count; i++)
        {
            var cells = new List<object?> { result.Rows[i].Layer };
            cells.AddRange(Cells(result.Rows[i], wrongTask));
            if (fv is not null) cells.AddRange(Cells(fv[i], wrongTask));
            csv.Row([.. cells]);
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "task_vector.csv"), csv.ToString());
        if (plots) AtomicFile.WritePng(Path.Combine(folder, "task_vector.png"), temp => Plot(result).SavePng(temp, 1200, 560));
        HarnessInfo.Describe(record);
        record.Seed = o.Seed;
        record.SetModel(result.Model.Path, result.Model.Sha256)["n_layers"] = result.Model.Layers;
        var p = record.Parameters;
        p["task"] = o.Task.Text;
        p["into_task"] = o.IntoTask?.Text;
        p["heads"] = o.Heads;
        p["template"] = o.Template.Name;
        p["examples"] = o.Examples;
        p["contexts"] = o.Contexts;
        p["queries"] = o.Queries;
        p["x_range"] = $"{o.XMin}..{o.XMax}";
        p["seed"] = o.Seed;
        var section = record.Section("task_vector");
        section["injected"] = "mean over contexts of l_out-L at the position that predicts the answer's first informative token, written in place of l_out-L at that position of the " +
            (wrongTask ? $"K-shot prompt of {o.IntoTask!.Text} (wrong-task prompt)" : "zero-shot prompt");
        section["p_correct"] = "P(the injected task's answer and its closing token), teacher-forced; mean and 95% t-interval over queries";
        if (wrongTask) section["p_own_rule"] = $"P(the answer of the prompt's own task {o.IntoTask!.Text}), teacher-forced; mean and 95% t-interval over queries";
        section["accuracy"] = "fraction of queries with P(answer and closing token) > 0.5, with its 95% Wilson interval";
        section["unpatched"] = Json(result.Unpatched);
        section["full_icl"] = Json(result.FullIcl);
        section["example_prompt"] = result.ExamplePrompt;
        if (result.FunctionVector is { } vector)
        {
            var f = record.Section("function_vector");
            f["injected"] = "Σ over the top-k heads of the head's mean output (mean over contexts of its kqv_out slice at the final position times its slice of attn_output.weight), added to l_out-L at the injected position";
            f["ranking"] = "mean direct logit attribution over the contexts (as probe icl heads computes it with the numeric baseline), largest first";
            f["heads"] = new JsonArray(vector.Heads.Select(h => (JsonNode)new JsonObject { ["layer"] = h.Layer, ["head"] = h.Head, ["mean_attribution"] = h.MeanAttribution }).ToArray());
            f["norm"] = Math.Sqrt(vector.Vector.Sum(v => (double)v * v));
            f["completeness_worst_error"] = vector.Completeness.WorstError;
        }
        section["layers_finished"] = result.Rows.Count;
        record.Finish(folder, result.Partial);
    }

    private static IEnumerable<string> Columns(string prefix, bool wrongTask)
    {
        string[] names = ["p_correct_mean", "p_correct_lo", "p_correct_hi", "accuracy", "accuracy_lo", "accuracy_hi"];
        string[] own = ["p_own_rule_mean", "p_own_rule_lo", "p_own_rule_hi", "accuracy_own_rule", "accuracy_own_rule_lo", "accuracy_own_rule_hi"];
        return (wrongTask ? names.Concat(own) : names).Select(n => prefix + n);
    }

    private static IEnumerable<object?> Cells(TaskVectorRow r, bool wrongTask)
    {
        object?[] cells = [r.PCorrect.Mean, r.PCorrect.Lo, r.PCorrect.Hi, r.Accuracy.Value, r.Accuracy.Lo, r.Accuracy.Hi];
        if (!wrongTask) return cells;
        return cells.Concat([r.POwnRule!.Mean, r.POwnRule.Lo, r.POwnRule.Hi, r.AccuracyOwnRule!.Value, r.AccuracyOwnRule.Lo, r.AccuracyOwnRule.Hi]);
    }

    private static JsonObject Json(TaskVectorRow r)
    {
        var o = new JsonObject { ["p_correct"] = r.PCorrect.Mean, ["accuracy"] = r.Accuracy.Value, ["accuracy_lo"] = r.Accuracy.Lo, ["accuracy_hi"] = r.Accuracy.Hi };
        if (r.POwnRule is { } own) o["p_own_rule"] = own.Mean;
        if (r.AccuracyOwnRule is { } a) o["accuracy_own_rule"] = a.Value;
        return o;
    }

    private static Plot Plot(IclTaskVectorResult result)
    {
        var plot = new Plot();
        var o = result.Options;
        var xs = result.Rows.Select(r => (double)r.Layer).ToArray();
        void Series(IReadOnlyList<TaskVectorRow> rows, string what)
        {
            plot.Add.Scatter(xs, rows.Select(r => r.Accuracy.Value).ToArray()).LegendText = $"accuracy with the {what}";
            plot.Add.Scatter(xs, rows.Select(r => r.PCorrect.Mean).ToArray()).LegendText = $"mean P({o.Task.Text}) with the {what}";
            if (o.IntoTask is { } into) plot.Add.Scatter(xs, rows.Select(r => r.POwnRule!.Mean).ToArray()).LegendText = $"mean P(own rule {into.Text}) with the {what}";
        }
        Series(result.Rows, "task vector");
        if (result.FunctionVectorRows is { } fv) Series(fv, $"function vector ({o.Heads} heads)");
        var inv = CultureInfo.InvariantCulture;
        var unpatched = o.IntoTask is null ? "zero-shot" : $"{o.IntoTask.Text} prompt";
        var lines = new List<(double, string, LinePattern)>
        {
            (result.Unpatched.Accuracy.Value, string.Create(inv, $"{unpatched} accuracy ({result.Unpatched.Accuracy.Value:0.##})"), LinePattern.Dashed),
            (result.FullIcl.Accuracy.Value, string.Create(inv, $"{o.Examples}-shot accuracy ({result.FullIcl.Accuracy.Value:0.##})"), LinePattern.Dashed),
            (result.Unpatched.PCorrect.Mean, string.Create(inv, $"{unpatched} P({o.Task.Text}) ({result.Unpatched.PCorrect.Mean:0.###})"), LinePattern.Dotted),
            (result.FullIcl.PCorrect.Mean, string.Create(inv, $"{o.Examples}-shot P(correct) ({result.FullIcl.PCorrect.Mean:0.###})"), LinePattern.Dotted),
        };
        if (result.Unpatched.POwnRule is { } own) lines.Add((own.Mean, string.Create(inv, $"{unpatched} P(own rule) ({own.Mean:0.###})"), LinePattern.DenselyDashed));
        foreach (var (value, label, pattern) in lines)
        {
            var line = plot.Add.HorizontalLine(value);
            line.LegendText = label;
            line.LinePattern = pattern;
        }
        var into = o.IntoTask is null ? "zero-shot" : $"{o.IntoTask.Text} {o.Examples}-shot";
        plot.Title($"Task vector for {o.Task.Text}: {o.Contexts} contexts, {o.Queries} {into} queries");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, xs.Select(x => x.ToString(inv)).ToArray()); // whole layers only
        plot.XLabel("injected layer L (l_out-L)");
        plot.YLabel("accuracy / P");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Edge.Right); // outside the axes: up to eleven entries would hide the curves
        return plot;
    }
}
