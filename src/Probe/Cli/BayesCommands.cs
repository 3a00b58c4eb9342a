using System.CommandLine;
using Probing.Cli.BayesCli;

namespace Probing.Cli;

/// <summary><c>probe bayes …</c>: the exact Bayesian references.</summary>
public static class BayesCommands
{
    /// <summary>Builds the <c>bayes</c> command group: <c>simulate</c>, <c>beta-bernoulli</c>, <c>fit</c> and <c>n-recurrence</c>.</summary>
    public static Command Create(CliContext context)
    {
        var bayes = new Command("bayes", "Exact Bayesian references: beta-Bernoulli loss, the two-hypothesis update model, fits.");
        bayes.Add(SimulateCommand.Create(context));
        bayes.Add(BetaBernoulliCommand.Create(context));
        bayes.Add(FitCommand.Create(context));
        bayes.Add(NRecurrenceCommand.Create(context));
        // Without a subcommand, say what to type (one line, exit 2) rather than a parse error that hides an unknown option.
        bayes.SetAction(new Func<System.CommandLine.ParseResult, int>(_ => throw new UsageException("choose a bayes command: simulate, beta-bernoulli, fit or n-recurrence (see 'probe bayes --help').")));
        return bayes;
    }
}
