using System.CommandLine;
using System.Globalization;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;
using Spectre.Console;

namespace Probing.Cli;

/// <summary><c>probe toy train</c>: trains a toy model on a task, with checkpoints and resume.</summary>
public static class ToyTrainCommand
{
    /// <summary>Builds the <c>train</c> subcommand of <c>probe toy</c>.</summary>
    public static Command Create(CliContext context)
    {
        var task = new Option<string?>("--task") { Description = $"Task to train on: {string.Join(", ", ToyTaskRegistry.Names)} (not needed with --resume)." };
        var preset = new Option<string?>("--preset") { Description = "The task's preset (default: the first, which reproduces the task's seed setup)." };
        var config = new Option<string?>("--config") { Description = "JSON run config ({\"model\": {TransformerLens fields}, \"task\": {…}, \"training\": {…}}) or a bare TransformerLens config; missing fields come from the preset." };
        var steps = new Option<int?>("--steps") { Description = "Total optimizer steps (overrides the preset)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the weight init and the training data (overrides the preset)." };
        var output = new Option<string?>("--out") { Description = "Run directory (default results/toy/<task>/<run-id>/); with --resume, the run to continue." };
        var initFrom = new Option<string?>("--init-from") { Description = "Start from the weights of this checkpoint (a run directory with the same model config) instead of a fresh init: fine-tuning." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint, bit-for-bit." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: the machine's cores).", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var snapshotEvery = new Option<int?>("--snapshot-every") { Description = "Save the weights every N steps (and at the end) into RUN/snapshots/ for the progress measures of 'probe toy analyze'; kept on --resume (default: the config's training.snapshot_every, 0 = none)." };
        var command = new Command("train", "Train a toy transformer on a task; writes model.safetensors, config.json, metrics.jsonl and run.json (and snapshots/ with --snapshot-every).")
        {
            task, preset, config, steps, seed, output, initFrom, resume, threads, device, snapshotEvery,
        };
        command.SetAction(parse =>
        {
            var threadCount = ToyCli.ApplyThreads(parse.GetValue(threads));
            var deviceName = parse.GetValue(device)!;
            var outDir = parse.GetValue(output);
            var snapshots = parse.GetValue(snapshotEvery);
            if (snapshots < 0) throw new UsageException($"--snapshot-every must be 0 (no snapshots) or more; got {snapshots}.");
            ToyRun run;
            if (parse.GetValue(resume))
            {
                if (outDir is null) throw new UsageException("--resume needs --out DIR, the directory of the run to continue.");
                if (parse.GetValue(preset) is not null || parse.GetValue(config) is not null || parse.GetValue(seed) is not null || parse.GetValue(initFrom) is not null)
                    throw new UsageException("--resume continues a run with its own config and weights; drop --preset, --config, --seed and --init-from (only --steps and --snapshot-every may change).");
                run = ToyRun.Resume(outDir, parse.GetValue(steps), threadCount, deviceName, snapshots);
                if (parse.GetValue(task) is { } asked && !string.Equals(asked, run.Task.Name, StringComparison.OrdinalIgnoreCase))
                {
                    run.Dispose();
                    throw new UsageException($"--task {asked} does not match the run in {outDir}, which trains {run.Task.Name}; drop --task when resuming.");
                }
            }
            else
            {
                var taskName = parse.GetValue(task) ?? throw new UsageException($"--task is required; known tasks: {string.Join(", ", ToyTaskRegistry.Names)}.");
                var toyTask = ToyTaskRegistry.Get(taskName);
                var presetName = ToyTaskRegistry.GetPreset(toyTask, parse.GetValue(preset)).Name;
                var runConfig = ToyRun.ResolveConfig(toyTask, presetName, parse.GetValue(config), parse.GetValue(steps), parse.GetValue(seed));
                if (snapshots is { } every) runConfig = runConfig with { Training = runConfig.Training with { SnapshotEvery = every } };
                if (outDir is not null && string.IsNullOrWhiteSpace(outDir)) throw new UsageException("--out is empty; pass a folder, or leave --out out for the default.");
                outDir ??= Path.Combine("results", "toy", toyTask.Name,
                    Probing.Runs.RunId.Create(DateTimeOffset.UtcNow, string.Create(CultureInfo.InvariantCulture, $"{presetName}-s{runConfig.Model.Seed}")));
                run = ToyRun.Create(toyTask.Name, presetName, parse.GetValue(config), runConfig, outDir, threadCount, deviceName, parse.GetValue(initFrom));
            }

            using (run)
            {
                if (run.Restarted) context.Error.WriteLine($"probe: {run.Directory} holds a run that never wrote a checkpoint; starting it over from step 0.");
                context.Error.WriteLine($"probe: training {run.Task.Name} ({run.Info.Preset}) into {run.Directory}");
                var result = ToyCli.TrainWithProgress(run, context);
                context.Out.WriteLine(OptionFlags.Text(result.Message, "Steps"));
                var metricsPath = Path.Combine(run.Directory, MetricsLog.FileName);
                if (File.Exists(metricsPath) && MetricsLog.Read(metricsPath) is { Count: > 0 } records)
                {
                    var last = records[^1];
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {last.Step}: train_loss {last.TrainLoss:G5}, ") +
                        string.Join(", ", last.Eval.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}"))));
                }

                if (Probing.ToyModels.Checkpoints.ToyCheckpoint.Exists(run.Directory)) context.Out.WriteLine($"checkpoint: {run.Directory}");
                return result.Outcome switch
                {
                    TrainingOutcome.Completed => ExitCodes.Ok,
                    TrainingOutcome.Cancelled => ExitCodes.Interrupted,
                    _ => ExitCodes.BadInput,
                };
            }
        });
        return command;
    }
}
