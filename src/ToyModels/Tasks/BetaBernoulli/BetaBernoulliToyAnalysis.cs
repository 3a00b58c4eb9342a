using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analyses 0–6 of seed 000 on a beta-Bernoulli checkpoint. Each analysis is a pure computation; the analyzer writes
/// each one's files as it goes (<see cref="BetaBernoulliCheckpointAnalysis.Run"/>).
/// </summary>
public sealed class BetaBernoulliToyAnalysis : IToyAnalysis
{
    /// <inheritdoc />
    public ToyAnalysisInputs Accepts => ToyAnalysisInputs.None;

    /// <inheritdoc />
    public ToyAnalysisSummary Run(ToyAnalysisRequest request, string outDir, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = BetaBernoulliCheckpointAnalysis.Run(request.Checkpoint, outDir, null, cancel);
        return new ToyAnalysisSummary([.. result.Figures.Select(f => $"{f.Title}: {f.Answer}")], result.ReportPath);
    }
}
