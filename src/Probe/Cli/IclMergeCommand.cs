using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Sharding;
using Probing.Runs;

namespace Probing.Cli;

/// <summary>
/// <c>probe icl … --shard i/N</c> (one array task: its share of the contexts into a shard folder) and
/// <c>probe icl merge DIR… --out OUT</c> (the shards joined into the folder a single-machine run writes, byte for byte).
/// </summary>
public static class IclMergeCommand
{
    /// <summary>Builds <c>probe icl merge</c>.</summary>
    public static Command Create(CliContext context)
    {
        var shards = new Argument<string[]>("shards") { Description = "The shard folders (the --out of every 'probe icl --shard i/N' task)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the merged run (examples.csv, summary.json, fit.json, plots, report.md, run.json)", Required = true };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the PNG plots and report.md" };
        var merge = new Command("merge", "Join the shard folders of one 'probe icl --shard' run into the outputs of the single-machine run (checks options, model sha256, and that every shard is there once and finished).")
        {
            shards, output, noPlots,
        };
        merge.SetAction(parse =>
        {
            var folders = parse.GetValue(shards)!;
            var folder = parse.GetValue(output)!;
            var target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
            if (folders.Any(f => Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar) == target))
                throw new UsageException($"--out '{folder}' is one of the shard folders; pass a new folder for the merged run");
            var started = DateTimeOffset.UtcNow;
            var result = IclShardMerge.Merge(folders);
            using var claim = IclCommands.ClaimOutput(folder, "", started);
            var record = new RunRecord("icl merge", started);
            record.Parameters["shards"] = new JsonArray([.. folders.Select(f => (JsonNode?)Path.GetFullPath(f))]);
            record.Parameters["plots"] = !parse.GetValue(noPlots);
            IclRunWriter.Write(IclSummaryTable.WithFlags(result), folder, record, plots: !parse.GetValue(noPlots));
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probe: merged {folders.Length} shards, {result.ContextsFinished} contexts"));
            IclSummaryTable.Print(context, result, folder);
            return ExitCodes.Ok;
        });
        return merge;
    }

    /// <summary>
    /// <c>probe icl … --shard</c>: runs the shard into <paramref name="output"/> (default results/icl/&lt;task&gt;/seed&lt;S&gt;-&lt;N&gt;-shards-&lt;options hash&gt;/shard-&lt;i&gt;,
    /// the same folder on every restart, so a restarted task resumes).
    /// </summary>
    internal static int RunShard(CliContext context, ShardSpec spec, IclRunOptions options, string modelPath, string? output, int threads)
    {
        var shard = new IclShard(spec.Index, spec.Count);
        var folder = output ?? Path.Combine("results", "icl", options.Task.SafeName,
            string.Create(CultureInfo.InvariantCulture, $"seed{options.Seed}-{spec.Count}-shards-{IclShard.OptionsHash(options, modelPath)}"), string.Create(CultureInfo.InvariantCulture, $"shard-{spec.Index}"));
        // Claimed before the model runs; a restart of the same shard finds its own shard.json and resumes.
        using var claim = RunFolder.Claim(folder, existing => File.Exists(Path.Combine(existing, IclShard.ManifestFile)));
        // The shard's plan is shown once the harness has checked the options (its first progress report), never computed from unchecked ones.
        int ContextsOfShard() => shard.Batches(options.Contexts, options.BatchContexts).Sum(b => IclShard.ContextsOf(b, options.Contexts, options.BatchContexts).Count);
        var announced = false;
        void Announce()
        {
            var batches = shard.Batches(options.Contexts, options.BatchContexts);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"probe: shard {shard} ({spec.Source}): {ContextsOfShard()} of {options.Contexts} contexts ({batches.Count} batch{(batches.Count == 1 ? "" : "es")} of --batch {options.BatchContexts}){(shard.OwnsSweep ? " and the sweep" : "")} into {folder}"));
        }
        var started = DateTimeOffset.UtcNow;
        var result = IclCommands.WithProgress(context, progress =>
            IclHarnessRun.RunShard(modelPath, options, shard, folder, new IclCommands.SyncProgress(p =>
            {
                if (!announced) Announce();
                announced = true;
                progress.Report(p);
            }), context.Cancellation, threads));
        IclRunWriter.Write(IclSummaryTable.WithFlags(result), folder, started, plots: false, shard);
        if (result.Partial)
        {
            context.Error.WriteLine($"probe: interrupted; shard {shard} kept {result.ContextsFinished} of {ContextsOfShard()} contexts in {folder}; rerun the same command to resume.");
            return ExitCodes.Interrupted;
        }
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"shard {shard}: {result.ContextsFinished} contexts in {folder}; when every shard has finished: probe icl merge <shard folders> --out <folder>"));
        return ExitCodes.Ok;
    }
}
