using System.CommandLine;
using Probing.Cli.Bayes;

namespace Probing.Cli;

/// <summary><c>probe bayes …</c>: the exact Bayesian references.</summary>
public static class BayesCommands
{
    /// <summary>Builds the <c>bayes</c> command group: <c>simulate</c>, <c>beta-bernoulli</c> and <c>fit</c>.</summary>
    public static Command Create(CliContext context)
    {
        var bayes = new Command("bayes", "Exact Bayesian references: beta-Bernoulli loss, the two-hypothesis update model, fits.");
        bayes.Add(SimulateCommand.Create(context));
        bayes.Add(BetaBernoulliCommand.Create(context));
        bayes.Add(FitCommand.Create(context));
        return bayes;
    }
}
