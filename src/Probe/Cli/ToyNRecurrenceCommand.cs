using System.CommandLine;
using System.Globalization;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Tasks.NRecurrence;
using Probing.ToyModels.Training;

namespace Probing.Cli;

/// <summary>
/// <c>probe toy n-recurrence train|analyze</c>: training with weight snapshots at every evaluation (for the progress
/// measures) and the checkpoint analyses. <see cref="Analyze"/> is also the handler behind
/// <c>probe toy analyze --task n-recurrence</c>.
/// </summary>
public static class ToyNRecurrenceCommand
{
    /// <summary>Builds the <c>n-recurrence</c> subcommand group of <c>probe toy</c>.</summary>
    public static Command Create(CliContext context)
    {
        var group = new Command("n-recurrence", "n-recurrence (seed 002): train with weight snapshots, analyse a checkpoint against the ideal observer.");
        group.Add(CreateTrain(context));
        group.Add(CreateAnalyze(context));
        return group;
    }

    /// <summary>Runs the n-recurrence analyses of <paramref name="checkpoint"/> into <paramref name="outDir"/> and prints the headline numbers.</summary>
    public static int Analyze(string checkpoint, string outDir, int threads, CliContext context, int sequences = 1024, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(context);
        ToyCli.ApplyThreads(threads);
        var result = NRecurrenceCheckpointAnalysis.Run(checkpoint, outDir, sequences, seed, context.Cancellation);
        var s = result.Score;
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loss_nats {s.LossNats:F4}  ideal_loss_nats {s.IdealLossNats:F4}  mean gap {result.MeanGapNats:F4}"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target_loss_nats {s.TargetLossNats:F4}  ideal_target_loss_nats {s.IdealTargetLossNats:F4}  (targets beyond 3n)"));
        context.Out.WriteLine($"ICL: target positions to P(new t) >= 0.5: model {result.IclModelTargets?.ToString(CultureInfo.InvariantCulture) ?? "never"}, observer {result.IclIdealTargets?.ToString(CultureInfo.InvariantCulture) ?? "never"}");
        context.Out.WriteLine($"report: {result.Report}");
        return ExitCodes.Ok;
    }

    private static Command CreateAnalyze(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "An n-recurrence run directory.", Required = true };
        var output = new Option<string?>("--out") { Description = "Output folder (default CHECKPOINT/analysis)." };
        var sequences = new Option<int>("--sequences") { Description = "Fresh analysis sequences.", DefaultValueFactory = _ => 1024 };
        var seed = new Option<int>("--seed") { Description = "Seed of the analysis sequences.", DefaultValueFactory = _ => 12345 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: the machine's cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("analyze", "Loss by position, ICL rate after transitions, belief probes, attention on targets, progress measures; CSV + PNG + report.md.")
        {
            checkpoint, output, sequences, seed, threads,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(checkpoint)!;
            var outDir = parse.GetValue(output) ?? Path.Combine(dir, "analysis");
            return ToyAnalyzeCommand.RunClaimed("toy n-recurrence analyze", "n-recurrence", dir, outDir, parse.GetValue(seed), p =>
            {
                p["sequences"] = parse.GetValue(sequences);
                p["seed"] = parse.GetValue(seed);
                p["threads"] = parse.GetValue(threads);
            }, () => Analyze(dir, outDir, parse.GetValue(threads), context, parse.GetValue(sequences), parse.GetValue(seed)));
        });
        return command;
    }

    private static Command CreateTrain(CliContext context)
    {
        var preset = new Option<string?>("--preset") { Description = "small (default), stochastic, grokking or tiny." };
        var config = new Option<string?>("--config") { Description = "JSON run config overriding the preset." };
        var steps = new Option<int?>("--steps") { Description = "Total optimizer steps (overrides the preset)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the weight init and the training data." };
        var output = new Option<string?>("--out") { Description = "Run directory (default results/toy/n-recurrence/<run-id>/)." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: the machine's cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("train", "Like 'probe toy train --task n-recurrence', and also saves the weights at every evaluation into RUN/snapshots/ for the progress measures.")
        {
            preset, config, steps, seed, output, threads,
        };
        command.SetAction(parse =>
        {
            var threadCount = ToyCli.ApplyThreads(parse.GetValue(threads));
            var task = ToyTaskRegistry.Get(NRecurrenceTask.TaskName);
            var presetName = ToyTaskRegistry.GetPreset(task, parse.GetValue(preset)).Name;
            var runConfig = ToyRun.ResolveConfig(task, presetName, parse.GetValue(config), parse.GetValue(steps), parse.GetValue(seed));
            var outDir = parse.GetValue(output) ?? Path.Combine("results", "toy", task.Name,
                Probing.Runs.RunId.Create(DateTimeOffset.UtcNow, string.Create(CultureInfo.InvariantCulture, $"{presetName}-s{runConfig.Model.Seed}")));
            using var run = ToyRun.Create(task.Name, presetName, parse.GetValue(config), runConfig, outDir, threadCount, "cpu");
            context.Error.WriteLine($"probe: training {task.Name} ({presetName}) with snapshots into {run.Directory}");
            var result = run.Train(new NRecurrenceSnapshots(run.Model, run.Directory, new PlainLines(context.Error)), context.Cancellation);
            context.Out.WriteLine(result.Message);
            context.Out.WriteLine($"checkpoint: {run.Directory}");
            return result.Outcome switch
            {
                TrainingOutcome.Completed => ExitCodes.Ok,
                TrainingOutcome.Cancelled => ExitCodes.Interrupted,
                _ => ExitCodes.BadInput,
            };
        });
        return command;
    }

    private sealed class PlainLines(TextWriter error) : IProgress<TrainingProgress>
    {
        private MetricsRecord? _reported;

        public void Report(TrainingProgress value)
        {
            if (value.LastEval is not { } eval || ReferenceEquals(eval, _reported)) return;
            _reported = eval;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {value.Step}/{value.TotalSteps} loss {value.Loss:F4} {value.StepsPerSecond:F1} steps/s | ") +
                string.Join(' ', eval.Eval.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G4}"))));
        }
    }
}
