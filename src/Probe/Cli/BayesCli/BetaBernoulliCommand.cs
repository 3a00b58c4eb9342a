using System.CommandLine;
using System.Globalization;
using Probing.Bayes;
using Probing.BayesExperiments;
using Spectre.Console;
using static Probing.Cli.BayesCli.BayesConsole;

namespace Probing.Cli.BayesCli;

/// <summary><c>probe bayes beta-bernoulli</c>: the exact Bayes-optimal loss and the known-p floor.</summary>
internal static class BetaBernoulliCommand
{
    public static Command Create(CliContext context)
    {
        var alpha = new Option<double>("--alpha") { Description = "Prior α > 0 of Beta(α, β) (pseudo-count of 1s).", DefaultValueFactory = _ => 1.0 };
        var beta = new Option<double>("--beta") { Description = "Prior β > 0 of Beta(α, β) (pseudo-count of 0s).", DefaultValueFactory = _ => 1.0 };
        var length = new Option<int>("--length") { Description = "Sequence length N (1 … 20000); positions i = 0 … N−1 are predictions after i flips.", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print {\"mean_loss_nats\", \"known_p_floor_nats\", \"per_position_nats\"} as JSON instead of tables." };
        var command = new Command("beta-bernoulli", "Exact Bayes-optimal log loss of coin flips with p ~ Beta(α, β), per position and averaged, and the known-p floor E[H(p)].")
        {
            alpha, beta, length, json,
        };
        command.SetAction(parse => Run(context, parse.GetValue(alpha), parse.GetValue(beta), parse.GetValue(length), parse.GetValue(json)));
        return command;
    }

    // Three decimals read 1e-300 as Beta(0, 0), a prior that does not exist; tiny and huge values keep their exponent.
    internal static string Parameter(double value) => value is >= 1e-3 and < 1e7 ? F(value, "0.###") : F(value, "0.##E+0");

    private static int Run(CliContext context, double alpha, double beta, int length, bool asJson)
    {
        RequirePositive(alpha, "--alpha");
        RequirePositive(beta, "--beta");
        RequireRange(length, 1, 20_000, "--length");
        var perPosition = BetaBernoulli.PerPositionLoss(length, alpha, beta);
        var mean = perPosition.Average();
        var floor = BetaBernoulli.KnownPFloor(alpha, beta);
        if (asJson)
        {
            context.Out.WriteLine(BayesJson.BetaBernoulli(perPosition, mean, floor));
            return ExitCodes.Ok;
        }

        var console = For(context);
        var summary = PlainTable("quantity", "nats");
        summary.AddPlainRow($"Bayes-optimal mean loss, N = {length}, Beta({Parameter(alpha)}, {Parameter(beta)})", F(mean, "0.000000"));
        summary.AddPlainRow("known-p floor E[H(p)] (a lower bound, not the Bayes loss)", F(floor, "0.000000"));
        summary.AddPlainRow("gap: cost of not knowing p", F(mean - floor, "0.000000"));
        console.Write(summary);
        var positions = PlainTable("position i (flips seen)", "expected loss (nats)");
        var shown = length <= 20 ? Enumerable.Range(0, length) : new[] { 0, 1, 2, 3, 4, 9, 19 }.Where(i => i < length).Append(length - 1).Distinct();
        foreach (var i in shown) positions.AddPlainRow(i.ToString(CultureInfo.InvariantCulture), F(perPosition[i], "0.000000"));
        console.Write(positions);
        return ExitCodes.Ok;
    }
}
