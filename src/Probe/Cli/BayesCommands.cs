using System.CommandLine;

namespace Probing.Cli;

/// <summary><c>probe bayes …</c>: the exact Bayesian references.</summary>
public static class BayesCommands
{
    /// <summary>Builds the <c>bayes</c> command group.</summary>
    public static Command Create(CliContext context)
    {
        var bayes = new Command("bayes", "Exact Bayesian references: beta-Bernoulli loss, the two-hypothesis update model, fits.");
        return bayes;
    }
}
