using System.CommandLine;
using System.Text.Json.Nodes;
using Probing.Runs;
using Probing.ToyModels;
using Probing.ToyModels.Checkpoints;

namespace Probing.Cli;

/// <summary>
/// <c>probe toy analyze --task NAME --checkpoint DIR [--out DIR] [--compare DIR]</c>: a task's interpretability
/// analyses on a trained checkpoint. Each task registers one handler in <see cref="Analyzers"/>.
/// </summary>
public static class ToyAnalyzeCommand
{
    /// <summary>Analysis handlers by task name; a task adds one line.</summary>
    private static readonly Dictionary<string, Func<ToyAnalyzeRequest, CliContext, int>> Analyzers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trigram"] = TrigramAnalyzeHandler.Run,
        ["n-recurrence"] = (request, context) => ToyNRecurrenceCommand.Analyze(request.Checkpoint, request.OutDir, request.Threads, context),
        ["beta-bernoulli"] = BetaBernoulliAnalyzeHandler.Run,
        ["previous-token"] = PreviousTokenAnalyzeHandler.Run,
    };

    /// <summary>The task names that have analyses.</summary>
    public static IEnumerable<string> Tasks => Analyzers.Keys;

    /// <summary>Builds the <c>analyze</c> subcommand of <c>probe toy</c>.</summary>
    public static Command Create(CliContext context)
    {
        var task = new Option<string>("--task") { Description = $"Task whose analyses to run: {string.Join(", ", Analyzers.Keys)}.", Required = true };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint directory (a 'probe toy train' run directory).", Required = true };
        var output = new Option<string?>("--out") { Description = "Output folder for CSV, PNG and report.md (default: CHECKPOINT/analysis)." };
        var compare = new Option<string?>("--compare") { Description = "A second checkpoint to compare side by side (trigram: the attn-only preset)." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: libtorch's default).", DefaultValueFactory = _ => 0 };
        var command = new Command("analyze", "Run a task's interpretability analyses on a checkpoint; writes CSV + PNG per analysis and report.md.")
        {
            task, checkpoint, output, compare, threads,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(task)!;
            if (!Analyzers.TryGetValue(name, out var handler))
                throw new UsageException($"No analyses for task '{name}'; tasks with analyses: {string.Join(", ", Analyzers.Keys)}.");
            var dir = parse.GetValue(checkpoint)!;
            // Both checkpoints are checked before any analysis runs or writes.
            foreach (var (flag, path) in new[] { ("--checkpoint", dir), ("--compare", parse.GetValue(compare)) })
            {
                if (path is not null && !Directory.Exists(path))
                    throw new UsageException($"{flag} '{path}' is not a folder; pass a 'probe toy train' run folder.");
            }
            var request = new ToyAnalyzeRequest(dir, parse.GetValue(output) ?? Path.Combine(dir, "analysis"), parse.GetValue(compare), parse.GetValue(threads));
            return RunClaimed("toy analyze", name, request.Checkpoint, request.OutDir, null, p =>
            {
                p["compare"] = request.Compare is null ? null : Path.GetFullPath(request.Compare);
                p["threads"] = request.Threads;
            }, () => handler(request, context));
        });
        return command;
    }

    /// <summary>
    /// Runs an analysis into <paramref name="outDir"/>, claimed for it (a new or empty folder, or an earlier
    /// analysis of the same task, whose files it rewrites), and writes run.json at the end.
    /// </summary>
    internal static int RunClaimed(string command, string task, string checkpoint, string outDir, long? seed, Action<JsonObject> parameters, Func<int> analyze)
    {
        if (string.IsNullOrWhiteSpace(outDir)) throw new UsageException("--out is empty; pass a folder, or leave --out out for the default.");
        var started = DateTimeOffset.UtcNow;
        using var claim = RunFolder.Claim(outDir, folder => IsAnalysisOf(folder, task));
        var code = analyze();
        var record = new RunRecord(command, started) { Seed = seed };
        ToyModelsInfo.Describe(record);
        var weights = Path.Combine(checkpoint, ToyCheckpoint.ModelFile);
        if (File.Exists(weights)) record.SetModel(weights);
        record.Parameters["task"] = task;
        record.Parameters["checkpoint"] = Path.GetFullPath(checkpoint);
        parameters(record.Parameters);
        record.Finish(outDir, partial: code != ExitCodes.Ok);
        return code;
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
