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
    /// <summary>Merges every <c>shard-*.jsonl</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The sweep's output folder.</param>
    /// <param name="metric">The metric to compare (default the n-recurrence target loss).</param>
    /// <param name="reference">The metric it must come close to (null: compare <paramref name="metric"/> with <paramref name="tolerance"/> directly).</param>
    /// <param name="tolerance">Largest allowed <c>metric − reference</c> (or metric).</param>
    public static SweepSummary Collect(string directory, string metric, string? reference, double tolerance)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"sweep folder '{directory}' does not exist; pass the --out folder of 'probe toy sweep'.");
        var files = Directory.GetFiles(directory, "shard-*.jsonl").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new FileNotFoundException($"no shard-*.jsonl files in '{directory}'; run 'probe toy sweep --shard i/N --out {directory}' first.");
        var results = files.SelectMany(SweepRunner.ReadLines).OrderBy(r => r.Parameters).ThenBy(r => r.Index).ToList();
        var duplicates = results.GroupBy(r => r.Index).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToList();
        var smallest = results.FirstOrDefault(r => Gap(r, metric, reference) <= tolerance);
        return new SweepSummary(results, duplicates, smallest);
    }

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
        var lines = new List<string> { $"index,d_model,n_layers,n_heads,parameters,steps,wall_s,{metric},{reference ?? "reference"},gap" };
        foreach (var r in Results)
        {
            var value = r.Metrics.TryGetValue(metric, out var m) ? m : double.NaN;
            var reached = reference is not null && r.Metrics.TryGetValue(reference, out var x) ? x : double.NaN;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{r.Index},{r.DModel},{r.NLayers},{r.NHeads},{r.Parameters},{r.Steps},{r.WallSeconds:F1},{value:G6},{reached:G6},{Gap(r, metric, reference):G6}"));
        }

        return string.Join('\n', lines) + "\n";
    }
}
