using System.Globalization;
using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// The seven n-recurrence analyses against the ideal observer, on fresh sequences. They still compute and write in
/// one pass (<see cref="NRecurrenceCheckpointAnalysis.Run"/>), analysis by analysis.
/// </summary>
public sealed class NRecurrenceToyAnalysis : IToyAnalysis
{
    /// <summary>Fresh analysis sequences by default.</summary>
    public const int DefaultSequences = 1024;

    /// <summary>Seed of the analysis sequences by default.</summary>
    public const int DefaultSeed = 12345;

    /// <inheritdoc />
    public ToyAnalysisInputs Accepts => ToyAnalysisInputs.Sequences | ToyAnalysisInputs.Seed;

    /// <inheritdoc />
    public ToyAnalysisSummary Run(ToyAnalysisRequest request, string outDir, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        var seed = request.Seed ?? DefaultSeed;
        var result = NRecurrenceCheckpointAnalysis.Run(request.Checkpoint, outDir, request.Sequences ?? DefaultSequences, seed, cancel);
        var s = result.Score;
        var inv = CultureInfo.InvariantCulture;
        return new ToyAnalysisSummary(
        [
            string.Create(inv, $"loss_nats {s.LossNats:F4}  ideal_loss_nats {s.IdealLossNats:F4}  mean gap {result.MeanGapNats:F4}"),
            string.Create(inv, $"target_loss_nats {s.TargetLossNats:F4}  ideal_target_loss_nats {s.IdealTargetLossNats:F4}  (targets beyond 3n)"),
            $"ICL: target positions to P(new t) >= 0.5: model {result.IclModelTargets?.ToString(inv) ?? "never"}, observer {result.IclIdealTargets?.ToString(inv) ?? "never"}",
        ], result.Report, seed);
    }
}
