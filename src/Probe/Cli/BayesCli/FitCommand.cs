using System.CommandLine;
using Probing.Bayes;
using Probing.BayesExperiments;
using Spectre.Console;
using static Probing.Cli.BayesCli.BayesConsole;

namespace Probing.Cli.BayesCli;

/// <summary><c>probe bayes fit</c>: maximum-likelihood (θ₀, c) of the two-hypothesis model for a P(correct) column.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context)
    {
        var csv = new Option<string>("--csv")
        {
            Description = "CSV file with one row per example, in prompt order, and a column of P(correct) values in [0,1]; an ICL run's examples.csv (context and index columns) is fitted as the mean per example index.",
            Required = true,
        };
        var column = new Option<string?>("--column")
        {
            Description = "Column to fit (header name, or 1-based number for a file without header). Default: p_correct, else p_a, else the only column.",
        };
        var bootstrap = new Option<int>("--bootstrap")
        {
            Description = "Bootstrap resamples for percentile 95% intervals (0: robust Wald intervals on the logit scale).",
            DefaultValueFactory = _ => 0,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap resampler.", DefaultValueFactory = _ => 0 };
        var command = new Command("fit", "Fit (θ₀, c) of the two-hypothesis update model to an observed P(correct) series by maximum likelihood (fractional logit); prints estimates, 95% intervals, RMSE and log-likelihood.")
        {
            csv, column, bootstrap, seed,
        };
        command.SetAction(parse => Run(context, parse.GetValue(csv)!, parse.GetValue(column), parse.GetValue(bootstrap), parse.GetValue(seed)));
        return command;
    }

    private static int Run(CliContext context, string path, string? column, int bootstrap, int seed)
    {
        RequireRange(bootstrap, 0, 100_000, "--bootstrap");
        CsvColumn observed;
        try
        {
            observed = CsvColumnReader.Read(path, column);
        }
        catch (ArgumentException ex) when (ex.ParamName == "column")
        {
            throw new UsageException($"{ProbeApp.OneLine(ex.Message).TrimEnd('.')} with --column.");
        }

        var fit = TwoHypothesisFitter.Fit(observed.Values, new TwoHypothesisFitOptions(BootstrapSamples: bootstrap, Seed: seed));

        var console = For(context);
        var table = PlainTable("parameter", "estimate", "std. error", "95% interval");
        table.AddPlainRow("theta0 (prior P(A))", F(fit.Theta0, "0.00000"), F(fit.Theta0StdErr, "0.00000"), $"[{F(fit.Theta0Ci95.Lo, "0.00000")}, {F(fit.Theta0Ci95.Hi, "0.00000")}]");
        table.AddPlainRow("c (sensitivity)", F(fit.C, "0.00000"), F(fit.CStdErr, "0.00000"), $"[{F(fit.CCi95.Lo, "0.00000")}, {F(fit.CCi95.Hi, "0.00000")}]");
        console.Write(table);
        context.Out.WriteLine(bootstrap > 0
            ? $"intervals: bootstrap percentiles, {bootstrap} resamples, seed {seed}"
            : "intervals: robust (sandwich) Wald intervals on the logit scale, mapped back to (0, 1)");
        context.Out.WriteLine(observed.Contexts > 1
            ? $"column: {observed.Name}, mean over {observed.Contexts} contexts per example index (as probe icl fits), N = {fit.N}"
            : $"column: {observed.Name}, N = {fit.N}");
        context.Out.WriteLine($"RMSE (probability): {F(fit.Rmse, "0.00000")}");
        context.Out.WriteLine($"log-likelihood (fractional Bernoulli, nats): {F(fit.LogLikelihood, "0.0000")}");
        return ExitCodes.Ok;
    }
}
