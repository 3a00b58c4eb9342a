using System.CommandLine;
using System.Globalization;
using Probing.Bayes;
using Probing.BayesExperiments;
using Spectre.Console;
using Probing.Runs;
using static Probing.Cli.BayesCli.BayesConsole;

namespace Probing.Cli.BayesCli;

/// <summary><c>probe bayes simulate</c>: the two-hypothesis learner of seed 004 (<see cref="TwoHypothesisSimulationWriter"/> writes CSV, PNG plots and run.json); prints a table.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var c = new Option<double>("--c")
        {
            Description = "Sensitivity c in (0,1): the likelihood of each example under 'the rule holds' (1−c under 'it does not'). Seed 004's best fit is ln 2 ≈ 0.693.",
            DefaultValueFactory = _ => 0.693,
        };
        var theta0 = new Option<double>("--theta0")
        {
            Description = "Prior probability θ₀ in (0,1) that the rule holds, before the first example.",
            DefaultValueFactory = _ => 0.05,
        };
        var steps = new Option<int>("--steps")
        {
            Description = "Number of examples to simulate (1 … 100000).",
            DefaultValueFactory = _ => 20,
        };
        var output = new Option<string?>("--out")
        {
            Description = "Output folder (created if missing). New or empty; default: results/bayes/simulate/<run-id>/ under the current directory.",
        };
        var command = new Command("simulate", "Simulate the two-hypothesis Bayesian learner (seed 004): writes simulate.csv, PNG plots of P(A) and surprisal, and run.json; prints a table.")
        {
            c, theta0, steps, output,
        };
        command.SetAction(parse => Run(context, parse.GetValue(c), parse.GetValue(theta0), parse.GetValue(steps), parse.GetValue(output)));
        return command;
    }

    private static int Run(CliContext context, double c, double theta0, int steps, string? requestedOut)
    {
        RequireOpenUnit(c, "--c");
        RequireOpenUnit(theta0, "--theta0");
        RequireRange(steps, 1, 100_000, "--steps");
        var simulation = TwoHypothesisSimulation.Run(theta0, c, steps);

        var started = DateTimeOffset.UtcNow;
        using var claim = IclCommands.ClaimOutput(requestedOut, Path.Combine("results", "bayes", "simulate"), started);
        var folder = IclCommands.Shown(claim);
        TwoHypothesisSimulationWriter.Write(simulation, folder, new RunRecord("bayes simulate", started));

        var (curve, cumulative) = (simulation.Curve, simulation.CumulativeNats);
        var console = For(context);
        var table = PlainTable("example k", "P(A)", "surprisal (nats)", "cumulative (nats)");
        var shown = steps <= 25 ? Enumerable.Range(0, steps) : Enumerable.Range(0, 10).Concat(Enumerable.Range(steps - 5, 5));
        var previous = -1;
        foreach (var i in shown)
        {
            if (previous >= 0 && i != previous + 1) table.AddPlainRow("…", "", "", "");
            table.AddPlainRow((i + 1).ToString(CultureInfo.InvariantCulture), F(curve.ProbabilityA[i]), F(curve.SurprisalNats[i]), F(cumulative[i]));
            previous = i;
        }

        console.Write(table);
        context.Out.WriteLine($"total information: {F(cumulative[^1])} nats ({F(Surprisal.NatsToBits(cumulative[^1]))} bits) over {steps} examples");
        context.Out.WriteLine($"wrote {folder}");
        return ExitCodes.Ok;
    }
}
