using System.Diagnostics;
using System.Globalization;
using Probing.ToyModels.Tasks.PreviousToken;

namespace Probing.Cli;

/// <summary><c>probe toy analyze --task previous-token</c>: seed 003's analyses, written to report.md.</summary>
internal static class PreviousTokenAnalyzeHandler
{
    public static int Run(ToyAnalyzeRequest request, CliContext context)
    {
        if (request.Compare is not null) throw new UsageException("--compare is not used by the previous-token analyses; analyse each variant's checkpoint on its own.");
        ToyCli.ApplyThreads(request.Threads);
        var clock = Stopwatch.StartNew();
        var result = PreviousTokenCheckpointAnalysis.Run(request.Checkpoint, request.OutDir);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"positions {result.PositionalEmbedding}: loss {result.Metrics.MeanLoss:F4} nats, accuracy {100 * result.Metrics.MeanAccuracy:F1}%"));
        foreach (var head in result.Heads)
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  L{head.Layer}H{head.Head}: weight on previous token {head.PreviousTokenScore:F3}, |weight on first − 1/(q+1)| {head.UniformDeviation:F3}"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report: {result.ReportPath} ({clock.Elapsed.TotalSeconds:F1} s)"));
        return ExitCodes.Ok;
    }
}
