using System.Globalization;
using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// The seven n-recurrence analyses against the ideal observer, on fresh sequences: computed by
/// <see cref="NRecurrenceCheckpointAnalysis.Compute"/>, written by <see cref="NRecurrenceCheckpointAnalysis.Write"/>.
/// </summary>
public sealed class NRecurrenceToyAnalysis : ToyAnalysis<NRecurrenceAnalyses>
{
    /// <summary>Fresh analysis sequences by default.</summary>
    public const int DefaultSequences = 1024;

    /// <summary>Seed of the analysis sequences by default.</summary>
    public const int DefaultSeed = 12345;

    /// <inheritdoc />
    public override ToyAnalysisInputs Accepts => ToyAnalysisInputs.Sequences | ToyAnalysisInputs.Seed;

    /// <inheritdoc />
    public override NRecurrenceAnalyses Compute(ToyAnalysisRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return NRecurrenceCheckpointAnalysis.Compute(request.Checkpoint, request.Sequences ?? DefaultSequences, request.Seed ?? DefaultSeed, cancel);
    }

    /// <inheritdoc />
    public override ToyAnalysisSummary Write(NRecurrenceAnalyses result, string outDir, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(result);
        var written = NRecurrenceCheckpointAnalysis.Write(result, outDir, cancel);
        var s = written.Score;
        var inv = CultureInfo.InvariantCulture;
        return new ToyAnalysisSummary(
        [
            string.Create(inv, $"loss_nats {s.LossNats:F4}  ideal_loss_nats {s.IdealLossNats:F4}  mean gap {written.MeanGapNats:F4}"),
            string.Create(inv, $"target_loss_nats {s.TargetLossNats:F4}  ideal_target_loss_nats {s.IdealTargetLossNats:F4}  (targets beyond 3n)"),
            $"ICL: target positions to P(new t) >= 0.5: model {written.IclModelTargets?.ToString(inv) ?? "never"}, observer {written.IclIdealTargets?.ToString(inv) ?? "never"}",
        ], written.Report, result.Seed);
    }
}
