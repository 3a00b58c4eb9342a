using System.Text.Json;
using ScottPlot;
using Probing.IclHarness.Icl.Sharding;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Report;

/// <summary><c>probe icl compare RUN1 RUN2</c>: overlays the surprisal and P(correct) curves of two run folders.</summary>
public static class IclCompare
{
    /// <summary>One run as read back from its summary.json.</summary>
    /// <param name="Folder">The run folder.</param>
    /// <param name="Label">Task and model file, for legends.</param>
    /// <param name="Indices">Example indices.</param>
    /// <param name="Bits">Mean surprisal (bits).</param>
    /// <param name="Lo">Lower 95% end.</param>
    /// <param name="Hi">Upper 95% end.</param>
    /// <param name="PCorrect">Mean P(correct).</param>
    /// <param name="C">Fitted c, or null.</param>
    public sealed record RunCurve(string Folder, string Label, double[] Indices, double[] Bits, double[] Lo, double[] Hi, double[] PCorrect, double? C)
    {
        /// <summary>Whether the folder has run.json (a finished run writes it last; without it the run is unfinished or not ours).</summary>
        public bool HasRunJson { get; init; }

        /// <summary>Whether run.json marks the run partial (interrupted before every context finished).</summary>
        public bool Partial { get; init; }

        /// <summary>Contexts the curves average over, when run.json says.</summary>
        public long? ContextsFinished { get; init; }

        /// <summary>A one-line warning for a run whose curves should not be read as a complete run, or null.</summary>
        public string? Warning => !HasRunJson
            ? $"'{Folder}' has no run.json: the run did not finish or was not written by probe icl; its curves may be incomplete"
            : Partial ? $"'{Folder}' is a partial run (interrupted after {ContextsFinished?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "some"} contexts); its curves average fewer contexts" : null;
    }

    /// <summary>Reads a run folder written by <see cref="IclRunWriter"/>.</summary>
    public static RunCurve Read(string folder)
    {
        var summary = Path.Combine(folder, "summary.json");
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"run folder '{folder}' does not exist; pass a folder written by probe icl");
        // A shard holds a share of the contexts (possibly none): its curves are not the run's.
        if (File.Exists(Path.Combine(folder, IclShard.ManifestFile)))
            throw new InvalidDataException($"'{folder}' is one shard of a sharded run, not a whole run; merge the shards first (probe icl merge with every shard folder) and compare the merged run");
        if (!File.Exists(summary)) throw new FileNotFoundException($"'{folder}' has no summary.json; pass a folder written by probe icl", summary);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(summary));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"'{summary}' is not a probe icl summary (it is not a JSON object); pass a folder written by probe icl");
            foreach (var field in new[] { "task", "examples", "fit" })
                if (!root.TryGetProperty(field, out _))
                    throw new InvalidDataException($"'{summary}' is not a probe icl summary (it has no '{field}' field); pass a folder written by probe icl");
            var examples = root.GetProperty("examples").EnumerateArray().ToList();
            double Get(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN;
            var model = "model";
            var run = Path.Combine(folder, "run.json");
            var partial = false;
            long? finished = null;
            if (File.Exists(run))
            {
                using var runDoc = JsonDocument.Parse(File.ReadAllText(run));
                model = Path.GetFileName(runDoc.RootElement.GetProperty("model").GetProperty("path").GetString() ?? "model");
                partial = runDoc.RootElement.TryGetProperty("partial", out var p) && p.ValueKind == JsonValueKind.True;
                if (runDoc.RootElement.TryGetProperty("contexts_finished", out var f) && f.TryGetInt64(out var n)) finished = n;
            }
            var fitC = root.GetProperty("fit").GetProperty("c");
            return new RunCurve(folder, $"{root.GetProperty("task").GetString()} on {model} ({Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/'))})",
                examples.Select(e => Get(e.GetProperty("index"))).ToArray(),
                examples.Select(e => Get(e.GetProperty("surprisal_bits_mean"))).ToArray(),
                examples.Select(e => Get(e.GetProperty("surprisal_bits_ci95")[0])).ToArray(),
                examples.Select(e => Get(e.GetProperty("surprisal_bits_ci95")[1])).ToArray(),
                examples.Select(e => Get(e.GetProperty("p_correct_mean"))).ToArray(),
                fitC.ValueKind == JsonValueKind.Number ? fitC.GetDouble() : null)
            {
                HasRunJson = File.Exists(run),
                Partial = partial,
                ContextsFinished = finished,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            // KeyNotFoundException says only "The given key was not present in the dictionary".
            var why = ex is KeyNotFoundException ? "a field it needs is missing" : ex.Message.Split('\n')[0];
            throw new InvalidDataException($"'{summary}' is not a probe icl summary ({why}); pass a folder written by probe icl");
        }
    }

    /// <summary>Reads both runs and writes compare.csv, compare_surprisal.png and compare_p_correct.png into <paramref name="folder"/>.</summary>
    public static (RunCurve A, RunCurve B) Write(string run1, string run2, string folder, bool plots = true)
    {
        var a = Read(run1);
        var b = Read(run2);
        var csv = new Csv("index", "a_surprisal_bits", "a_ci95_lo", "a_ci95_hi", "a_p_correct", "b_surprisal_bits", "b_ci95_lo", "b_ci95_hi", "b_p_correct");
        var n = Math.Max(a.Indices.Length, b.Indices.Length);
        for (var i = 0; i < n; i++)
        {
            object? At(double[] v) => i < v.Length ? v[i] : null;
            csv.Row(i + 1, At(a.Bits), At(a.Lo), At(a.Hi), At(a.PCorrect), At(b.Bits), At(b.Lo), At(b.Hi), At(b.PCorrect));
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "compare.csv"), csv.ToString());
        if (!plots) return (a, b);
        var surprisal = new Plot();
        foreach (var r in new[] { a, b })
        {
            surprisal.Add.FillY(r.Indices, r.Lo, r.Hi).LegendText = $"95% interval, {r.Label}";
            surprisal.Add.Scatter(r.Indices, r.Bits).LegendText = r.C is { } c ? $"{r.Label}, c = {c:F3}" : r.Label;
        }
        surprisal.Title("Answer surprisal, two runs");
        surprisal.XLabel("example index i");
        surprisal.YLabel("surprisal (bits)");
        surprisal.ShowLegend(Alignment.UpperRight);
        AtomicFile.WritePng(Path.Combine(folder, "compare_surprisal.png"), t => surprisal.SavePng(t, 900, 560));
        var p = new Plot();
        foreach (var r in new[] { a, b }) p.Add.Scatter(r.Indices, r.PCorrect).LegendText = r.Label;
        p.Title("P(correct answer), two runs");
        p.XLabel("example index i");
        p.YLabel("probability");
        p.Axes.SetLimitsY(0, 1.05);
        p.ShowLegend(Alignment.LowerRight);
        AtomicFile.WritePng(Path.Combine(folder, "compare_p_correct.png"), t => p.SavePng(t, 900, 560));
        return (a, b);
    }
}
