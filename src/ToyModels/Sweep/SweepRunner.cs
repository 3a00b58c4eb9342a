using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;
using Probing.Runs;

namespace Probing.ToyModels.Sweep;

/// <summary>
/// Runs one shard of an architecture sweep: each point is a full training run in <c>OUT/runs/point-K</c> and
/// one JSON line in <c>OUT/shard-I-of-N.jsonl</c>. Points already in the shard file are skipped, so a
/// preempted array task can simply be restarted. Shards share nothing but the output folder.
/// </summary>
public static class SweepRunner
{
    /// <summary>The shard file name of shard <paramref name="shard"/> of <paramref name="shards"/>.</summary>
    public static string ShardFile(int shard, int shards) => string.Create(CultureInfo.InvariantCulture, $"shard-{shard}-of-{shards}.jsonl");

    /// <summary>Trains every point of the shard not yet done; reports each finished line through <paramref name="done"/>.</summary>
    public static IReadOnlyList<SweepResult> Run(string taskName, SweepGrid grid, int shard, int shards, string outDir, int threads,
        Action<SweepResult>? done = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var task = ToyTaskRegistry.Get(taskName);
        var preset = ToyTaskRegistry.GetPreset(task, grid.Preset);
        var baseConfig = grid.Config is null ? preset.Run : ToyRunConfig.FromJson(grid.Config.ToJsonString(), preset.Run, "grid config");
        Directory.CreateDirectory(outDir);
        ClaimFolder(outDir, taskName, grid);
        var path = Path.Combine(outDir, ShardFile(shard, shards));
        var results = File.Exists(path) ? [.. ReadLines(path)] : new List<SweepResult>();
        foreach (var point in grid.Shard(shard, shards))
        {
            cancel.ThrowIfCancellationRequested();
            if (results.Any(r => r.Index == point.Index)) continue;
            var config = baseConfig with
            {
                Model = baseConfig.Model with { DModel = point.DModel, NLayers = point.NLayers, NHeads = point.NHeads, DHead = point.DModel / point.NHeads, DMlp = 4 * point.DModel },
                Training = grid.Steps is { } s ? baseConfig.Training with { Steps = s, WarmupSteps = Math.Min(baseConfig.Training.WarmupSteps, s) } : baseConfig.Training,
            };
            var runDir = Path.Combine(outDir, "runs", string.Create(CultureInfo.InvariantCulture, $"point-{point.Index:000}"));
            if (Directory.Exists(runDir)) Directory.Delete(runDir, true); // a half-finished run of a preempted task
            var clock = Stopwatch.StartNew();
            long parameters;
            using (var run = ToyRun.Create(task.Name, preset.Name, null, config, runDir, threads, "cpu"))
            {
                parameters = run.Model.parameters().Sum(p => p.numel());
                var outcome = run.Train(null, cancel);
                if (outcome.Outcome == TrainingOutcome.Cancelled) throw new OperationCanceledException(cancel);
            }

            var records = MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName));
            var metrics = records.Count > 0 ? records[^1].Eval : new Dictionary<string, double>();
            var result = new SweepResult(point.Index, point.DModel, point.NLayers, point.NHeads, parameters, config.Training.Steps,
                Math.Round(clock.Elapsed.TotalSeconds, 2), Path.GetFullPath(runDir), metrics);
            results.Add(result);
            AtomicFile.WriteAllText(path, string.Concat(results.Select(r => ToJsonLine(r) + "\n")));
            done?.Invoke(result);
        }

        return results;
    }

    /// <summary>The file in the sweep folder naming the task and grid every shard of the folder runs.</summary>
    public const string GridFile = "grid.json";

    /// <summary>
    /// Writes <see cref="GridFile"/> (task and grid), or checks that the one there is the same: shards of one sweep
    /// share a folder, and <see cref="SweepSummary.Collect"/> reads it to check that every point is there once.
    /// </summary>
    private static void ClaimFolder(string outDir, string taskName, SweepGrid grid)
    {
        var text = new JsonObject { ["task"] = taskName, ["grid"] = JsonNode.Parse(grid.ToJson()) }.ToJsonString() + "\n";
        var path = Path.Combine(outDir, GridFile);
        if (!File.Exists(path))
        {
            AtomicFile.WriteAllText(path, text);
            return;
        }
        if (File.ReadAllText(path) != text)
            throw new ArgumentException($"'{outDir}' holds a sweep of another task or grid ({path}); choose another output folder, or the same task and grid to resume it.");
    }

    /// <summary>Reads the task and grid of a sweep folder, or null when the folder has no <see cref="GridFile"/> (written by an older probe).</summary>
    public static (string Task, SweepGrid Grid)? ReadGridFile(string outDir)
    {
        var path = Path.Combine(outDir, GridFile);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            return (root["task"]!.GetValue<string>(), SweepGrid.Parse(root["grid"]!.ToJsonString(), path));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"{path} is damaged ({ex.Message.Split('\n')[0]}); rewrite it by rerunning one shard with the sweep's task and grid after deleting it.");
        }
    }

    /// <summary>One result as a single JSON line.</summary>
    public static string ToJsonLine(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var metrics = new JsonObject();
        foreach (var (key, value) in result.Metrics) metrics[key] = double.IsFinite(value) ? value : null;
        return new JsonObject
        {
            ["index"] = result.Index, ["d_model"] = result.DModel, ["n_layers"] = result.NLayers, ["n_heads"] = result.NHeads,
            ["parameters"] = result.Parameters, ["steps"] = result.Steps, ["wall_s"] = Math.Round(result.WallSeconds, 2),
            ["run"] = result.Run, ["metrics"] = metrics,
        }.ToJsonString();
    }

    /// <summary>Reads a shard file; a malformed line throws <see cref="InvalidDataException"/> naming the file and line.</summary>
    public static IEnumerable<SweepResult> ReadLines(string path)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            SweepResult result;
            try
            {
                var o = JsonNode.Parse(line)!.AsObject();
                var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (key, value) in o["metrics"]!.AsObject()) metrics[key] = value is null ? double.NaN : value.GetValue<double>();
                result = new SweepResult(o["index"]!.GetValue<int>(), o["d_model"]!.GetValue<int>(), o["n_layers"]!.GetValue<int>(), o["n_heads"]!.GetValue<int>(),
                    o["parameters"]!.GetValue<long>(), o["steps"]!.GetValue<int>(), o["wall_s"]!.GetValue<double>(), o["run"]!.GetValue<string>(), metrics);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a sweep result line ({ex.Message.Split('\n')[0]}); delete the line or rerun the shard.");
            }

            yield return result;
        }
    }
}
