using System.CommandLine;
using Probing.ToyModels.Tasks;
using System.Globalization;
using Probing.Runs;
using Probing.ToyModels.Sweep;

namespace Probing.Cli;

/// <summary>
/// <c>probe toy sweep --task NAME --grid FILE --shard i/N --out DIR</c> (one shard of an architecture grid, one JSON
/// line per point) and <c>probe toy sweep collect DIR</c> (merge the shards, report the smallest architecture that
/// reaches a loss target). Shards are independent processes: a Slurm array runs them unchanged.
/// </summary>
public static class ToySweepCommand
{
    /// <summary>Builds the <c>sweep</c> subcommand of <c>probe toy</c> with its <c>collect</c> subcommand.</summary>
    public static Command Create(CliContext context)
    {
        var task = new Option<string?>("--task") { Description = "Task to train on (e.g. n-recurrence)." };
        var grid = new Option<string?>("--grid") { Description = "Grid JSON: {\"d_model\": [...], \"n_layers\": [...], \"n_heads\": [...], \"preset\": \"small\", \"steps\": 2000, \"config\": {...}}." };
        var shard = new Option<string>("--shard") { Description = ShardSpec.Help + "; point k belongs to shard k mod N", DefaultValueFactory = _ => "0/1" };
        var output = new Option<string?>("--out") { Description = "Sweep folder shared by all shards (default results/toy/sweep/<task>)." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads per shard (0: the machine's cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("sweep", "Train one shard of an architecture grid (d_model × n_layers × n_heads); one JSON line per configuration.")
        {
            task, grid, shard, output, threads,
        };
        command.SetAction(parse =>
        {
            var taskName = parse.GetValue(task) ?? throw new UsageException("--task is required, e.g. --task n-recurrence.");
            var gridFile = parse.GetValue(grid) ?? throw new UsageException("--grid FILE is required (a JSON grid over d_model, n_layers, n_heads).");
            var spec = ShardSpec.Parse(parse.GetValue(shard)!);
            var (index, count) = (spec.Index, spec.Count);
            var threadCount = ToyCli.ApplyThreads(parse.GetValue(threads));
            var outDir = parse.GetValue(output) ?? Path.Combine("results", "toy", "sweep", taskName);
            var parsed = SweepGrid.Read(gridFile);
            // Task and preset are checked before anything is printed or trained.
            ToyTaskRegistry.GetPreset(ToyTaskRegistry.Get(taskName), parsed.Preset);
            context.Error.WriteLine($"probe: sweep shard {spec} ({spec.Source}): {parsed.Shard(index, count).Count} of {parsed.Points().Count} points into {outDir}");
            SweepRunner.Run(taskName, parsed, index, count, outDir, threadCount,
                r => context.Out.WriteLine(SweepRunner.ToJsonLine(r)), context.Cancellation);
            return ExitCodes.Ok;
        });
        command.Add(CreateCollect(context));
        return command;
    }

    private static Command CreateCollect(CliContext context)
    {
        var dir = new Argument<string>("dir") { Description = "The sweep folder holding shard-*.jsonl." };
        var metric = new Option<string>("--metric") { Description = "Metric to compare.", DefaultValueFactory = _ => "target_loss_nats" };
        var reference = new Option<string?>("--reference") { Description = "Metric it must come close to (default ideal_<metric> when present; 'none' compares the metric itself)." };
        var tolerance = new Option<double>("--tolerance") { Description = "Largest allowed metric − reference (nats).", DefaultValueFactory = _ => 0.05 };
        var command = new Command("collect", "Merge sweep shards into sweep.csv and report the smallest architecture reaching the loss target.")
        {
            dir, metric, reference, tolerance,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(dir)!;
            var key = parse.GetValue(metric)!;
            var refKey = parse.GetValue(reference) switch { null => "ideal_" + key, "none" => null, var r => r };
            var summary = SweepSummary.Collect(folder, key, refKey, parse.GetValue(tolerance));
            var csv = Path.Combine(folder, "sweep.csv");
            AtomicFile.WriteAllText(csv, summary.ToCsv(key, refKey));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{summary.Results.Count} configurations merged into {csv}"));
            foreach (var r in summary.Results)
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  d_model {r.DModel,4} n_layers {r.NLayers} n_heads {r.NHeads}  params {r.Parameters,8}  {key} {(r.Metrics.TryGetValue(key, out var v) ? v : double.NaN):F4}  gap {SweepSummary.Gap(r, key, refKey):F4}  {r.WallSeconds:F0}s"));
            if (summary.Duplicates.Count > 0)
                context.Out.WriteLine($"warning: grid points {string.Join(", ", summary.Duplicates)} appear in more than one shard line (shards run with different N?).");
            context.Out.WriteLine(summary.Smallest is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"smallest reaching {key} − {refKey ?? "0"} ≤ {parse.GetValue(tolerance)}: d_model {s.DModel}, n_layers {s.NLayers}, n_heads {s.NHeads} ({s.Parameters} parameters), run {s.Run}")
                : "no configuration reaches the target; widen the grid or train longer.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
