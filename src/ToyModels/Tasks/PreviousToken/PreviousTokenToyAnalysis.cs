using System.Globalization;
using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>Seed 003's analyses of a previous-token checkpoint: <see cref="PreviousTokenCheckpointAnalysis.Compute"/>, then <see cref="PreviousTokenReport.Write"/>.</summary>
public sealed class PreviousTokenToyAnalysis : ToyAnalysis<PreviousTokenAnalysisResult>
{
    /// <inheritdoc />
    public override ToyAnalysisInputs Accepts => ToyAnalysisInputs.None;

    /// <inheritdoc />
    public override PreviousTokenAnalysisResult Compute(ToyAnalysisRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PreviousTokenCheckpointAnalysis.Compute(request.Checkpoint);
    }

    /// <inheritdoc />
    public override ToyAnalysisSummary Write(PreviousTokenAnalysisResult result, string outDir, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(result);
        PreviousTokenReport.Write(result, outDir);
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(inv, $"positions {result.PositionalEmbedding}: loss {result.Metrics.MeanLoss:F4} nats, accuracy {100 * result.Metrics.MeanAccuracy:F1}%"),
        };
        lines.AddRange(result.Heads.Select(head => string.Create(inv,
            $"  L{head.Layer}H{head.Head}: weight on previous token {head.PreviousTokenScore:F3}, |weight on first − 1/(q+1)| {head.UniformDeviation:F3}")));
        return new ToyAnalysisSummary(lines, Path.Combine(outDir, "report.md"));
    }
}
