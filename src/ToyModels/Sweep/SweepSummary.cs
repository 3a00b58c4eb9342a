using System.Globalization;

namespace Probing.ToyModels.Sweep;

/// <summary>
/// The merged shards of a sweep: every result line (sorted by parameter count), the grid indices seen twice, and
/// the smallest architecture whose <c>metric − reference</c> is at most the tolerance (e.g. target_loss_nats within
/// 0.05 of ideal_target_loss_nats).
/// </summary>
/// <param name="Results">All results, smallest model first.</param>
/// <param name="Duplicates">Grid indices that appear in more than one line (a shard run twice with different N).</param>
/// <param name="Smallest">The smallest architecture that reaches the target, or null.</param>
public sealed record SweepSummary(IReadOnlyList<SweepResult> Results, IReadOnlyList<int> Duplicates, SweepResult? Smallest)
{
    /// <summary>
    /// Merges every <c>shard-*.jsonl</c> in <paramref name="directory"/>. When the folder has the sweep's
    /// <c>grid.json</c>, a point missing or present twice is an error (<see cref="IOException"/>, <see cref="InvalidDataException"/>).
    /// </summary>
    /// <param name="directory">The sweep's output folder.</param>
    /// <param name="metric">The metric to compare (default the n-recurrence target loss).</param>
    /// <param name="reference">The metric it must come close to (null: compare <paramref name="metric"/> with <paramref name="tolerance"/> directly).</param>
    /// <param name="tolerance">Largest allowed <c>metric − reference</c> (or metric).</param>
    public static SweepSummary Collect(string directory, string metric, string? reference, double tolerance)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"sweep folder '{directory}' does not exist; pass the output folder of a sweep.");
        var files = Directory.GetFiles(directory, "shard-*.jsonl").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new FileNotFoundException($"no shard-*.jsonl files in '{directory}'; run the sweep's shards into it first.");
        var results = files.SelectMany(SweepRunner.ReadLines).OrderBy(r => r.Parameters).ThenBy(r => r.Index).ToList();
        var duplicates = results.GroupBy(r => r.Index).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToList();
        if (SweepRunner.ReadGridFile(directory) is { } sweep) CheckComplete(directory, files, sweep.Grid, results, duplicates);
        var smallest = results.FirstOrDefault(r => Gap(r, metric, reference) <= tolerance);
        return new SweepSummary(results, duplicates, smallest);
    }

    /// <summary>
    /// With the sweep's grid known: every point must have exactly one line, else a one-line error naming the points and
    /// the shard to rerun (a restarted shard resumes) or the shard files to remove (shards of two different N).
    /// </summary>
    private static void CheckComplete(string directory, string[] files, SweepGrid grid, List<SweepResult> results, List<int> duplicates)
    {
        if (duplicates.Count > 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"points {string.Join(", ", duplicates)} appear in more than one shard file of '{directory}' ({string.Join(", ", files.Select(Path.GetFileName))}): shards run with different N; remove the files of the other N"));
        var seen = results.Select(r => r.Index).ToHashSet();
        var missing = grid.Points().Select(p => p.Index).Where(i => !seen.Contains(i)).ToList();
        if (missing.Count == 0) return;
        var counts = files.Select(f => Path.GetFileNameWithoutExtension(f).Split('-')).Where(p => p.Length == 4).Select(p => p[3]).Distinct().ToList();
        var owners = counts.Count == 1 && int.TryParse(counts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? Owners(missing.Select(i => i % n).Distinct().Order().ToList(), n)
            : "; rerun the shards that own them, they resume";
        throw new IOException(string.Create(CultureInfo.InvariantCulture,
            $"the sweep in '{directory}' is unfinished: {missing.Count} of {grid.Points().Count} points missing ({string.Join(", ", missing)}){owners}"));
    }

    private static string Owners(List<int> shards, int count) => string.Create(CultureInfo.InvariantCulture,
        $"; rerun shard{(shards.Count > 1 ? "s" : "")} {string.Join(", ", shards.Select(i => $"{i}/{count}"))} with the same task, grid and output folder, {(shards.Count > 1 ? "they resume" : "it resumes")}");

    /// <summary><c>metric − reference</c> for one result (NaN when a key is missing).</summary>
    public static double Gap(SweepResult result, string metric, string? reference)
    {
        ArgumentNullException.ThrowIfNull(result);
        var value = result.Metrics.TryGetValue(metric, out var m) ? m : double.NaN;
        if (reference is null) return value;
        return value - (result.Metrics.TryGetValue(reference, out var r) ? r : double.NaN);
    }

    /// <summary>The merged table as CSV (one row per result, the given metric and gap).</summary>
    public string ToCsv(string metric, string? reference)
    {
        // No wall time here (it stays in the shard lines): the same sweep gives the same bytes, sharded or not.
        var lines = new List<string> { $"index,d_model,n_layers,n_heads,parameters,steps,{metric},{reference ?? "reference"},gap" };
        foreach (var r in Results)
        {
            var value = r.Metrics.TryGetValue(metric, out var m) ? m : double.NaN;
            var reached = reference is not null && r.Metrics.TryGetValue(reference, out var x) ? x : double.NaN;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{r.Index},{r.DModel},{r.NLayers},{r.NHeads},{r.Parameters},{r.Steps},{value:G6},{reached:G6},{Gap(r, metric, reference):G6}"));
        }

        return string.Join('\n', lines) + "\n";
    }
}
