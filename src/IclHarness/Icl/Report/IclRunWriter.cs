using System.Text.Json.Nodes;
using Probing.IclHarness.Icl.Sharding;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Report;

/// <summary>
/// Writes a run's folder: run.json, examples.csv, lens.csv, lens_integers.csv, sweep.csv, fit.json,
/// summary.json, the PNG plots and report.md. Every file is written atomically. Apart from
/// <c>started_utc</c> and <c>ended_utc</c> in run.json, the same measurements give byte-identical CSV and JSON.
/// </summary>
public static class IclRunWriter
{
    /// <summary>Writes every file of <paramref name="result"/> into <paramref name="folder"/> (created if needed).</summary>
    /// <param name="result">The measurements.</param>
    /// <param name="folder">The run folder.</param>
    /// <param name="startedUtc">Start time for run.json (with the end time, the only fields that differ between identical runs).</param>
    /// <param name="plots">Whether to draw the PNG plots and report.md.</param>
    /// <param name="shard">The shard this folder holds (recorded in run.json), or null for a whole run.</param>
    public static void Write(IclRunResult result, string folder, DateTimeOffset startedUtc, bool plots = true, IclShard? shard = null) =>
        Write(result, folder, new RunRecord("icl", startedUtc), plots, shard);

    /// <summary>Writes every file of <paramref name="result"/> into <paramref name="folder"/>, ending with <paramref name="record"/> as run.json.</summary>
    public static void Write(IclRunResult result, string folder, RunRecord record, bool plots = true, IclShard? shard = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(record);
        AtomicFile.WriteAllText(Path.Combine(folder, "examples.csv"), ExamplesCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "lens.csv"), LensCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "lens_integers.csv"), IntegersCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "sweep.csv"), SweepCsv(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "fit.json"), FitJson(result));
        AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), SummaryJson(result));
        if (plots)
        {
            var images = IclPlots.WriteAll(result, folder);
            AtomicFile.WriteAllText(Path.Combine(folder, "report.md"), IclReport.Markdown(result, images));
        }
        // run.json last: its presence marks a complete folder.
        Describe(record, result);
        if (shard is not null)
        {
            // probe icl --shard: this folder holds only the shard's contexts; probe icl merge joins them.
            var section = record.Section("shard");
            section["index"] = shard.Index;
            section["count"] = shard.Count;
        }
        record.Finish(folder, result.Partial);
    }

    internal static string Escape(string piece) =>
        piece.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    internal static string ExamplesCsv(IclRunResult r)
    {
        var csv = new Csv("context", "function", "index", "x", "y", "scored_tokens", "surprisal_nats", "surprisal_bits",
            "first_token_surprisal_bits", "p_correct", "first_token_rank", "greedy_correct", "cumulative_bits", "ideal_surprisal_bits", "first_token");
        foreach (var e in r.Examples)
            csv.Row(e.Context, e.Function, e.Index, e.X, e.Y, e.ScoredTokens, e.SurprisalNats, e.SurprisalBits,
                e.FirstTokenSurprisalBits, e.PCorrect, e.FirstTokenRank, e.GreedyCorrect, e.CumulativeBits, e.IdealSurprisalBits, Escape(e.FirstToken));
        return csv.ToString();
    }

    internal static string LensCsv(IclRunResult r)
    {
        var header = new List<string> { "context", "index", "layer", "first_token", "p_correct_first", "rank_correct_first", "top_is_numeric" };
        for (var k = 1; k <= 5; k++) header.AddRange([$"top{k}", $"top{k}_p"]);
        var csv = new Csv([.. header]);
        foreach (var l in r.Lens)
        {
            var cells = new List<object?> { l.Context, l.Index, l.Layer, Escape(l.FirstToken), l.PCorrectFirst, l.RankCorrectFirst, l.TopIsNumeric };
            for (var k = 0; k < 5; k++)
                cells.AddRange(k < l.TopTokens.Count ? [Escape(l.TopTokens[k]), l.TopProbabilities[k]] : [null, null]);
            csv.Row([.. cells]);
        }
        return csv.ToString();
    }

    internal static string IntegersCsv(IclRunResult r)
    {
        var csv = new Csv("layer", "integer", "p_mean");
        for (var l = 0; l < r.IntegerLens.Length; l++)
            for (var n = 0; n < r.IntegerLens[l].Length; n++) csv.Row(l, n, double.IsNaN(r.IntegerLens[l][n]) ? null : r.IntegerLens[l][n]); // NaN: n has no token
        return csv.ToString();
    }

    internal static string SweepCsv(IclRunResult r)
    {
        var csv = new Csv("shots", "x", "y_true", "predicted", "y_pred", "p_pred", "residual");
        foreach (var s in r.Sweep) csv.Row(s.Shots, s.X, s.YTrue, Escape(s.Predicted), s.YPred, s.PPred, s.Residual);
        return csv.ToString();
    }

    internal static string FitJson(IclRunResult r) => JsonText.Write(w =>
    {
        var f = r.Fit;
        w.WriteStartObject();
        w.WriteString("model", "two-hypothesis update: theta_{i+1} = theta_i c / (theta_i c + (1 - theta_i)(1 - c)), fitted to the mean P(correct) per example");
        w.Number("theta0", f.Theta0);
        w.Numbers("theta0_ci95", f.Theta0Ci95);
        w.Number("theta0_stderr", f.Theta0StdErr);
        w.Number("c", f.C);
        w.Numbers("c_ci95", f.CCi95);
        w.Number("c_stderr", f.CStdErr);
        w.Number("rmse", f.Rmse);
        w.Number("rmse_surprisal_bits", f.RmseSurprisalBits);
        w.Numbers("theta0_joint_ci95", f.Theta0JointCi95);
        w.Numbers("c_joint_ci95", f.CJointCi95);
        w.Number("logit_correlation", f.LogitCorrelation);
        w.WriteBoolean("identifiable", !f.NotIdentifiable);
        w.Number("log_likelihood_nats", f.LogLikelihood);
        w.WriteNumber("n", f.N);
        w.Numbers("observed_p_correct", r.Summaries.Select(s => s.PCorrect.Mean));
        w.Numbers("fitted_theta_a", f.ThetaA);
        w.Numbers("simulated_surprisal_bits", f.SimulatedSurprisalBits);
        w.WriteString("ideal_family", r.Options.EffectiveIdealFamily.Canonical);
        w.Number("ideal_epsilon", r.Options.Epsilon);
        w.Numbers("ideal_surprisal_bits", r.Summaries.Select(s => s.IdealSurprisalBits));
        w.Numbers("ideal_p_correct", r.Summaries.Select(s => s.IdealPCorrect));
        if (f.Error is null) w.WriteNull("error");
        else w.WriteString("error", f.Error);
        w.WriteEndObject();
    });

    internal static string SummaryJson(IclRunResult r) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("task", r.Options.Task.Text);
        w.WriteString("model_sha256", r.Model.Sha256);
        w.WriteStartArray("examples");
        foreach (var s in r.Summaries)
        {
            w.WriteStartObject();
            w.WriteNumber("index", s.Index);
            w.Number("surprisal_bits_mean", s.SurprisalBits.Mean);
            w.Numbers("surprisal_bits_ci95", [s.SurprisalBits.Lo, s.SurprisalBits.Hi]);
            w.Number("p_correct_mean", s.PCorrect.Mean);
            w.Number("ideal_surprisal_bits", s.IdealSurprisalBits);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("warnings");
        foreach (var warning in r.Warnings) w.WriteStringValue(warning);
        w.WriteEndArray();
        w.WriteStartObject("fit");
        w.Number("theta0", r.Fit.Theta0);
        w.Number("c", r.Fit.C);
        w.Numbers("c_ci95", r.Fit.CCi95);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>Fills <paramref name="record"/> with the model, every parameter and the progress of <paramref name="r"/>.</summary>
    internal static void Describe(RunRecord record, IclRunResult r)
    {
        var o = r.Options;
        HarnessInfo.Describe(record);
        record.Seed = o.Seed;
        var model = record.SetModel(r.Model.Path, r.Model.Sha256);
        model["n_layers"] = r.Model.Layers;
        model["d_vocab"] = r.Model.VocabSize;
        model["n_ctx"] = r.Model.ContextLength;
        var p = record.Parameters;
        p["task"] = o.Task.Text;
        p["task_canonical"] = o.Task.Canonical;
        p["template"] = new JsonObject
        {
            ["name"] = o.Template.Name,
            ["prefix"] = o.Template.Prefix,
            ["open"] = o.Template.Open,
            ["between"] = o.Template.Between,
            ["answer_prefix"] = o.Template.AnswerPrefix,
            ["close"] = o.Template.Close,
            ["separator"] = o.Template.Separator,
        };
        p["examples"] = o.Examples;
        p["x_range"] = $"{o.XMin}..{o.XMax}";
        p["seed"] = o.Seed;
        p["distinct"] = o.Distinct;
        p["contexts"] = o.Contexts;
        p["sweep_shots"] = new JsonArray([.. o.EffectiveSweepShots.Select(k => (JsonNode?)k)]);
        p["sweep_x_range"] = $"{o.SweepXMin ?? o.XMin}..{o.SweepXMax ?? o.XMax}";
        p["ideal_family"] = o.EffectiveIdealFamily.Canonical;
        p["ideal_epsilon"] = o.Epsilon;
        p["max_integer"] = o.MaxInteger;
        p["lens"] = o.Lens;
        p["batch_contexts"] = o.BatchContexts;
        record.SetExtra("contexts_finished", r.ContextsFinished);
    }
}
