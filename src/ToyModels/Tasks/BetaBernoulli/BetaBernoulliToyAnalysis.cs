using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Analyses 0–6 of seed 000 on a beta-Bernoulli checkpoint: <see cref="BetaBernoulliCheckpointAnalysis.Compute"/>, then <see cref="BetaBernoulliAnalyzer.Write"/>.</summary>
public sealed class BetaBernoulliToyAnalysis : ToyAnalysis<BetaBernoulliAnalysisResult>
{
    /// <inheritdoc />
    public override ToyAnalysisInputs Accepts => ToyAnalysisInputs.None;

    /// <inheritdoc />
    public override BetaBernoulliAnalysisResult Compute(ToyAnalysisRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BetaBernoulliCheckpointAnalysis.Compute(request.Checkpoint, null, cancel);
    }

    /// <inheritdoc />
    public override ToyAnalysisSummary Write(BetaBernoulliAnalysisResult result, string outDir, CancellationToken cancel)
    {
        var figures = BetaBernoulliAnalyzer.Write(result, outDir);
        return new ToyAnalysisSummary([.. figures.Select(f => $"{f.Title}: {f.Answer}")], Path.Combine(outDir, "report.md"));
    }
}
