using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Probing.Runs;
using Probing.ToyModels;
using Probing.ToyModels.Analysis;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Tasks;

namespace Probing.Cli;

/// <summary>
/// <c>probe toy analyze --task NAME --checkpoint DIR [--out DIR] [--compare DIR] [--sequences N] [--seed S]</c>: a
/// task's interpretability analyses on a trained checkpoint. Each task offers its analyses itself
/// (<see cref="IToyTask.Analysis"/>); this command only maps flags to a <see cref="ToyAnalysisRequest"/>.
/// </summary>
public static class ToyAnalyzeCommand
{
    private static readonly (ToyAnalysisInputs Input, string Flag)[] Flags =
    [
        (ToyAnalysisInputs.Compare, "--compare"),
        (ToyAnalysisInputs.Sequences, "--sequences"),
        (ToyAnalysisInputs.Seed, "--seed"),
    ];

    /// <summary>The task names that have analyses.</summary>
    public static IEnumerable<string> Tasks => ToyTaskRegistry.WithAnalyses.Select(t => t.Name);

    /// <summary>Builds the <c>analyze</c> subcommand of <c>probe toy</c>.</summary>
    public static Command Create(CliContext context)
    {
        var task = new Option<string>("--task") { Description = $"Task whose analyses to run: {string.Join(", ", Tasks)}.", Required = true };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint directory (a 'probe toy train' run directory).", Required = true };
        var output = new Option<string?>("--out") { Description = "Output folder for CSV, PNG and report.md (default: CHECKPOINT/analysis)." };
        var compare = new Option<string?>("--compare") { Description = "A second checkpoint to compare side by side (trigram: the attn-only preset)." };
        var sequences = new Option<int?>("--sequences") { Description = $"Fresh analysis sequences (n-recurrence; default {ToyModels.Tasks.NRecurrence.NRecurrenceToyAnalysis.DefaultSequences})." };
        var seed = new Option<int?>("--seed") { Description = $"Seed of the fresh analysis sequences (n-recurrence; default {ToyModels.Tasks.NRecurrence.NRecurrenceToyAnalysis.DefaultSeed})." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: libtorch's default).", DefaultValueFactory = _ => 0 };
        var command = new Command("analyze", "Run a task's interpretability analyses on a checkpoint; writes CSV + PNG per analysis, report.md and run.json.")
        {
            task, checkpoint, output, compare, sequences, seed, threads,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(task)!;
            var analysis = ToyTaskRegistry.WithAnalyses.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))?.Analysis
                ?? throw new UsageException($"No analyses for task '{name}'; tasks with analyses: {string.Join(", ", Tasks)}.");
            var dir = parse.GetValue(checkpoint)!;
            var request = new ToyAnalysisRequest
            {
                Checkpoint = dir, Compare = parse.GetValue(compare), Sequences = parse.GetValue(sequences), Seed = parse.GetValue(seed),
            };
            foreach (var (input, flag) in Flags)
            {
                if (request.Given.HasFlag(input) && !analysis.Accepts.HasFlag(input))
                    throw new UsageException($"{flag} is not used by the {name} analyses; drop it.");
            }
            // Both checkpoints are checked before any analysis runs or writes.
            foreach (var (flag, path) in new[] { ("--checkpoint", dir), ("--compare", request.Compare) })
            {
                if (path is not null && !Directory.Exists(path))
                    throw new UsageException($"{flag} '{path}' is not a folder; pass a 'probe toy train' run folder.");
            }
            if (request.Sequences is < 16) throw new UsageException($"--sequences must be at least 16; got {request.Sequences}.");
            var outDir = parse.GetValue(output) ?? Path.Combine(dir, "analysis");
            if (string.IsNullOrWhiteSpace(outDir)) throw new UsageException("--out is empty; pass a folder, or leave --out out for the default.");
            var threadCount = parse.GetValue(threads);
            ToyCli.ApplyThreads(threadCount);

            var started = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            using var claim = RunFolder.Claim(outDir, folder => IsAnalysisOf(folder, name));
            var summary = analysis.Run(request, outDir, context.Cancellation);
            foreach (var line in summary.Lines) context.Out.WriteLine(line);
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report: {summary.Report} ({clock.Elapsed.TotalSeconds:F1} s)"));

            var record = new RunRecord("toy analyze", started) { Seed = summary.Seed };
            ToyModelsInfo.Describe(record);
            var weights = Path.Combine(dir, ToyCheckpoint.ModelFile);
            if (File.Exists(weights)) record.SetModel(weights);
            record.Parameters["task"] = name;
            record.Parameters["checkpoint"] = Path.GetFullPath(dir);
            record.Parameters["compare"] = request.Compare is null ? null : Path.GetFullPath(request.Compare);
            record.Parameters["sequences"] = request.Sequences;
            record.Parameters["seed"] = request.Seed;
            record.Parameters["threads"] = threadCount;
            record.Finish(outDir, partial: false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool IsAnalysisOf(string folder, string task)
    {
        var path = Path.Combine(folder, RunRecord.FileName);
        if (!File.Exists(path)) return false;
        try
        {
            var run = RunRecord.Read(path);
            return run["command"]?.GetValue<string>() is "toy analyze" or "toy n-recurrence analyze"
                   && string.Equals(run["parameters"]?["task"]?.GetValue<string>(), task, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
        {
            return false;
        }
    }
}
