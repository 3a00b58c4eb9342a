using System.CommandLine;
using System.Globalization;
using Probing.Bayes;
using Probing.BayesExperiments;
using Spectre.Console;
using static Probing.Cli.BayesCli.BayesConsole;

namespace Probing.Cli.BayesCli;

/// <summary>
/// <c>probe bayes n-recurrence</c>: the ideal observer's loss on sequences sampled from an n-recurrence
/// specification, the reference a trained toy model is compared with (issue 8).
/// </summary>
internal static class NRecurrenceCommand
{
    public static Command Create(CliContext context)
    {
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size d_vocab (2 … 1000).", DefaultValueFactory = _ => 16 };
        var minN = new Option<int>("--min-n") { Description = "Smallest period n (≥ 1).", DefaultValueFactory = _ => 2 };
        var maxN = new Option<int>("--max-n") { Description = "Largest period n (≥ --min-n, ≤ 64).", DefaultValueFactory = _ => 5 };
        var contextLength = new Option<int>("--context") { Description = "Context length in tokens; at least 3 × --max-n (the seed's rule).", DefaultValueFactory = _ => 32 };
        var stochastic = new Option<bool>("--stochastic") { Description = "Stochastic n-recurrence with p_noise = p_transition = 1/(5n) unless given below (default: deterministic)." };
        var pNoise = new Option<double?>("--p-noise") { Description = "Fixed p_noise in [0,1] (overrides the default of the chosen mode)." };
        var pTransition = new Option<double?>("--p-transition") { Description = "Fixed p_transition in [0,1] (overrides the default of the chosen mode)." };
        var fake = new Option<string>("--fake-target") { Description = "Where fake targets come from: uniform, or recent (distinct tokens of the last 3n positions).", DefaultValueFactory = _ => "uniform" };
        var transition = new Option<string>("--transition") { Description = "What a rule change redraws: n-and-t, n-only or t-only.", DefaultValueFactory = _ => "n-and-t" };
        var exclusive = new Option<bool>("--target-only-at-targets") { Description = "t never occurs outside target positions (default: it may)." };
        var sequences = new Option<int>("--sequences") { Description = "Number of sampled sequences to average over (1 … 100000).", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Seed of the sequence sampler.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print {\"ideal_loss_nats\", \"ideal_target_loss_nats\", \"per_position_nats\"} as JSON instead of tables." };
        var command = new Command("n-recurrence", "Ideal-observer loss for deterministic or stochastic n-recurrence (seed 002), averaged over sampled sequences.")
        {
            vocab, minN, maxN, contextLength, stochastic, pNoise, pTransition, fake, transition, exclusive, sequences, seed, json,
        };
        command.SetAction(parse =>
        {
            var mode = parse.GetValue(stochastic);
            var spec = new NRecurrenceSpec(
                parse.GetValue(vocab), parse.GetValue(minN), parse.GetValue(maxN),
                parse.GetValue(pNoise) ?? (mode ? null : 0.0),
                parse.GetValue(pTransition) ?? (mode ? null : 0.0),
                TargetOutsideTargets: !parse.GetValue(exclusive),
                FakeTarget: ParseFake(parse.GetValue(fake)!),
                Transition: ParseTransition(parse.GetValue(transition)!));
            return Run(context, spec, parse.GetValue(contextLength), parse.GetValue(sequences), parse.GetValue(seed), parse.GetValue(json));
        });
        return command;
    }

    private static FakeTargetSource ParseFake(string value) => value.Trim().ToLowerInvariant() switch
    {
        "uniform" => FakeTargetSource.Uniform,
        "recent" => FakeTargetSource.RecentContext,
        _ => throw new UsageException($"--fake-target must be 'uniform' or 'recent' (got '{value}')."),
    };

    private static TransitionKind ParseTransition(string value) => value.Trim().ToLowerInvariant() switch
    {
        "n-and-t" => TransitionKind.NAndT,
        "n-only" => TransitionKind.NOnly,
        "t-only" => TransitionKind.TOnly,
        _ => throw new UsageException($"--transition must be 'n-and-t', 'n-only' or 't-only' (got '{value}')."),
    };

    private static int Run(CliContext context, NRecurrenceSpec spec, int contextLength, int sequences, int seed, bool asJson)
    {
        RequireRange(spec.VocabSize, 2, 1000, "--vocab");
        RequireRange(spec.MinN, 1, 64, "--min-n");
        RequireRange(spec.MaxN, spec.MinN, 64, "--max-n");
        if (contextLength < spec.MinContextLength)
            throw new UsageException($"--context {contextLength} is shorter than 3 × --max-n = {spec.MinContextLength}; use a longer context or a smaller --max-n.");
        RequireRange(contextLength, spec.MinContextLength, 4096, "--context");
        RequireRange(sequences, 1, 100_000, "--sequences");
        spec.Validate();

        var loss = NRecurrenceIdealLoss.Estimate(spec, contextLength, sequences, seed, context.Cancellation);
        if (asJson)
        {
            context.Out.WriteLine(BayesJson.NRecurrence(loss));
            return ExitCodes.Ok;
        }

        var (perPosition, mean, target, targetCount) = (loss.PerPositionNats, loss.MeanNats, loss.TargetMeanNats, loss.TargetCount);
        var console = For(context);
        var summary = PlainTable("quantity", "nats");
        summary.AddPlainRow($"ideal loss, positions 1 … {contextLength - 1}, {sequences} sequences", F(mean, "0.000000"));
        summary.AddPlainRow($"ideal loss at target positions p ≥ 3n ({targetCount} of them)", double.IsNaN(target) ? "n/a" : F(target, "0.000000"));
        summary.AddPlainRow("ln d_vocab (uniform guessing)", F(Math.Log(spec.VocabSize), "0.000000"));
        console.Write(summary);
        var table = PlainTable("position p", "mean ideal loss (nats)");
        var shown = perPosition.Length <= 16 ? Enumerable.Range(0, perPosition.Length) : Enumerable.Range(0, 8).Concat(Enumerable.Range(perPosition.Length - 4, 4));
        var previous = -1;
        foreach (var i in shown)
        {
            if (previous >= 0 && i != previous + 1) table.AddPlainRow("…", "");
            table.AddPlainRow((i + 1).ToString(CultureInfo.InvariantCulture), F(perPosition[i], "0.000000"));
            previous = i;
        }

        console.Write(table);
        return ExitCodes.Ok;
    }
}
