using System.CommandLine;
using System.Globalization;
using Probing.ToyModels.Training;

namespace Probing.Cli;

/// <summary><c>probe bench toy</c>: training steps/s of the toy trainer and where a step's time goes.</summary>
public static class BenchToyCommand
{
    /// <summary>Builds the <c>toy</c> subcommand of <c>probe bench</c>.</summary>
    public static Command Create(CliContext context)
    {
        var steps = new Option<int>("--steps") { Description = "Timed steps per configuration.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first (allocations, caches).", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: the machine's cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("toy", "Training steps/s for the trigram config and a 4-layer d_model 128 llama-style config, with a per-phase profile.")
        {
            steps, warmup, threads,
        };
        command.SetAction(parse =>
        {
            var stepCount = parse.GetValue(steps);
            var warmupCount = parse.GetValue(warmup);
            if (stepCount < 1) throw new UsageException($"--steps must be at least 1; got {stepCount}.");
            if (warmupCount < 0) throw new UsageException($"--warmup must be 0 or more; got {warmupCount}.");
            var threadCount = ToyCli.ApplyThreads(parse.GetValue(threads));
            var output = context.Out;
            output.WriteLine(Line($"probe bench toy: {stepCount} timed steps after {warmupCount} warm-up steps, {threadCount} libtorch threads"));
            output.WriteLine(Line($"{"config",-15} {"params",8} {"batch",9} {"steps/s",8} {"tok/s",9} {"~GFLOP/s",8} {"bare/s",8} {"vs bare",8} | {"data",6} {"fwd",6} {"bwd",6} {"optim",6} {"other",6} | {"outside",7}"));
            var results = new List<BenchmarkResult>();
            foreach (var benchCase in TrainingBenchmark.DefaultCases)
            {
                var r = TrainingBenchmark.Run(benchCase, warmupCount, stepCount, context.Cancellation);
                results.Add(r);
                var p = r.Profile;
                string Share(double seconds) => (seconds / p.Total).ToString("P1", CultureInfo.InvariantCulture);
                output.WriteLine(Line($"{benchCase.Name,-15} {r.Parameters,8} {$"{benchCase.BatchSize}x{benchCase.Model.NCtx}",9} {r.StepsPerSecond,8:F2} {r.TokensPerSecond,9:F0} {r.ApproxGflops,8:F1} {r.BareStepsPerSecond,8:F2} {r.OverheadVsBare,8:+0.0%;-0.0%} | {Share(p.Data),6} {Share(p.Forward),6} {Share(p.Backward),6} {Share(p.Optimizer),6} {Share(p.Overhead),6} | {r.OutsideLibtorchFraction,7:P1}"));
            }

            output.WriteLine(Line($"llama/trigram step-time ratio: {results[0].StepsPerSecond / results[1].StepsPerSecond:F2}"));
            output.WriteLine("columns: data/fwd/bwd/optim/other = share of a trainer step; outside = data + other (managed code outside libtorch);");
            output.WriteLine("vs bare = trainer step time / bare libtorch loop step time - 1 (same model, same run).");
            var worst = results.Max(r => r.OutsideLibtorchFraction);
            output.WriteLine(Line($"per-step time outside libtorch: at most {worst:P1} ({(worst < 0.10 ? "within" : "OVER")} the 10% target)"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
