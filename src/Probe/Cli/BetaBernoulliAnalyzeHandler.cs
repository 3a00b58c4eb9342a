using System.Diagnostics;
using System.Globalization;
using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.Cli;

/// <summary><c>probe toy analyze --task beta-bernoulli</c>: analyses 0–6 of seed 000, written to report.md.</summary>
internal static class BetaBernoulliAnalyzeHandler
{
    public static int Run(ToyAnalyzeRequest request, CliContext context)
    {
        if (request.Compare is not null) throw new UsageException("--compare is not used by the beta-bernoulli analyses; analyse each checkpoint on its own.");
        ToyCli.ApplyThreads(request.Threads);
        var clock = Stopwatch.StartNew();
        var result = BetaBernoulliCheckpointAnalysis.Run(request.Checkpoint, request.OutDir, null, context.Cancellation);
        foreach (var figure in result.Figures) context.Out.WriteLine($"{figure.Title}: {figure.Answer}");
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report: {result.ReportPath} ({clock.Elapsed.TotalSeconds:F1} s)"));
        return ExitCodes.Ok;
    }
}
