using Probing.ToyModels.Training;
using Spectre.Console;
using Probing.ToyModels.Runtime;

namespace Probing.Cli;

/// <summary>Shared pieces of the toy-model commands: threads and the live training progress.</summary>
internal static class ToyCli
{
    /// <summary>Sets libtorch's thread count (0: the machine's cores) and returns the count in force.</summary>
    public static int ApplyThreads(int threads)
    {
        if (threads < 0) throw new UsageException($"--threads must be 0 (the machine's cores) or more; got {threads}.");
        return TorchRuntime.ConfigureThreads(threads == 0 ? null : threads);
    }

    /// <summary>
    /// Trains with a Spectre.Console progress bar (loss, steps/s) on standard error when it is a
    /// terminal, otherwise with one plain line per evaluation.
    /// </summary>
    public static TrainingResult TrainWithProgress(ToyRun run, CliContext context)
    {
        var interactive = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        if (!interactive)
            return run.Train(new PlainProgress(context.Error), context.Cancellation);

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        TrainingResult? result = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask("starting", maxValue: run.Info.Config.Training.Steps);
                bar.Value = run.Trainer.Step;
                result = run.Train(new BarProgress(bar), context.Cancellation);
            });
        return result!;
    }

    // Synchronous IProgress: Progress<T> would post to the thread pool and report out of order.
    private sealed class BarProgress(ProgressTask bar) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            bar.Value = value.Step;
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            var eval = value.LastEval is { } e && e.Eval.Count > 0 ? $" | {string.Join(' ', e.Eval.Take(2).Select(m => string.Create(inv, $"{m.Key} {m.Value:G4}")))}" : "";
            bar.Description = Markup.Escape(string.Create(inv, $"step {value.Step}/{value.TotalSteps} loss {value.Loss:F4} {value.StepsPerSecond:F1} steps/s{eval}"));
        }
    }

    private sealed class PlainProgress(TextWriter error) : IProgress<TrainingProgress>
    {
        private MetricsRecord? _reported;

        public void Report(TrainingProgress value)
        {
            if (value.LastEval is not { } eval || ReferenceEquals(eval, _reported)) return;
            _reported = eval;
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            error.WriteLine(string.Create(inv, $"step {value.Step}/{value.TotalSteps} loss {value.Loss:F4} {value.StepsPerSecond:F1} steps/s | ") +
                string.Join(' ', eval.Eval.Select(m => string.Create(inv, $"{m.Key} {m.Value:G4}"))));
        }
    }
}
