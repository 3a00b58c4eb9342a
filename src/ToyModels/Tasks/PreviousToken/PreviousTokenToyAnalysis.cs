using System.Globalization;
using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>Seed 003's analyses of a previous-token checkpoint (<see cref="PreviousTokenCheckpointAnalysis.Run"/>).</summary>
public sealed class PreviousTokenToyAnalysis : IToyAnalysis
{
    /// <inheritdoc />
    public ToyAnalysisInputs Accepts => ToyAnalysisInputs.None;

    /// <inheritdoc />
    public ToyAnalysisSummary Run(ToyAnalysisRequest request, string outDir, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = PreviousTokenCheckpointAnalysis.Run(request.Checkpoint, outDir);
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(inv, $"positions {result.PositionalEmbedding}: loss {result.Metrics.MeanLoss:F4} nats, accuracy {100 * result.Metrics.MeanAccuracy:F1}%"),
        };
        lines.AddRange(result.Heads.Select(head => string.Create(inv,
            $"  L{head.Layer}H{head.Head}: weight on previous token {head.PreviousTokenScore:F3}, |weight on first − 1/(q+1)| {head.UniformDeviation:F3}")));
        return new ToyAnalysisSummary(lines, result.ReportPath);
    }
}
