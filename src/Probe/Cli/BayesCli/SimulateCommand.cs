using System.CommandLine;
using System.Globalization;
using System.Text;
using Probing.Bayes;
using Spectre.Console;
using Probing.Runs;
using static Probing.Cli.BayesCli.BayesConsole;

namespace Probing.Cli.BayesCli;

/// <summary><c>probe bayes simulate</c>: the two-hypothesis learner of seed 004, as CSV, PNG plots, a table and run.json.</summary>
internal static class SimulateCommand
{
    public const string CsvName = "simulate.csv";
    public const string PriorPlotName = "simulated-prior.png";
    public const string SurprisalPlotName = "simulated-surprisal.png";

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
        var curve = TwoHypothesisModel.Simulate(theta0, c, steps);
        var examples = Enumerable.Range(1, steps).Select(k => (double)k).ToArray();
        var cumulative = Surprisal.Cumulative(curve.SurprisalNats);

        var started = DateTimeOffset.UtcNow;
        using var claim = IclCommands.ClaimOutput(requestedOut, Path.Combine("results", "bayes", "simulate"), started);
        var folder = IclCommands.Shown(claim);
        var csv = new StringBuilder("example,p_a,surprisal_nats,surprisal_bits,cumulative_nats\n");
        for (var i = 0; i < steps; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{i + 1},{curve.ProbabilityA[i]:R},{curve.SurprisalNats[i]:R},{Surprisal.NatsToBits(curve.SurprisalNats[i]):R},{cumulative[i]:R}\n");
        AtomicFile.WriteAllText(Path.Combine(folder, CsvName), csv.ToString());
        var subtitle = $"theta0 = {F(theta0, "0.###")}, c = {F(c, "0.###")}";
        BayesPlots.LinePng(Path.Combine(folder, PriorPlotName), examples, curve.ProbabilityA,
            $"Simulated P(A): two-hypothesis learner ({subtitle})", "example k", "P(A) before example k (probability)", "P(A) = theta(k-1)", (0, 1.02));
        BayesPlots.LinePng(Path.Combine(folder, SurprisalPlotName), examples, curve.SurprisalNats,
            $"Simulated surprisal: two-hypothesis learner ({subtitle})", "example k", "surprisal -ln P(A) (nats)", "-ln theta(k-1)", (0, Math.Max(1e-3, curve.SurprisalNats.Max()) * 1.05));
        var record = new RunRecord("bayes simulate", started);
        record.AddVersion(typeof(TwoHypothesisModel).Assembly, "probing_bayes");
        record.Parameters["c"] = c;
        record.Parameters["theta0"] = theta0;
        record.Parameters["steps"] = steps;
        record.SetExtra("outputs", new System.Text.Json.Nodes.JsonArray(CsvName, PriorPlotName, SurprisalPlotName));
        record.Finish(folder);

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
