using System.Globalization;
using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>The seed 001 worklog's analyses of a trigram checkpoint (and optionally of a second one to compare).</summary>
public sealed class TrigramToyAnalysis : ToyAnalysis<TrigramComparison>
{
    /// <inheritdoc />
    public override ToyAnalysisInputs Accepts => ToyAnalysisInputs.Compare;

    /// <inheritdoc />
    public override TrigramComparison Compute(ToyAnalysisRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TrigramCheckpointAnalysis.Compute(request.Checkpoint, request.Compare, cancel);
    }

    /// <inheritdoc />
    public override ToyAnalysisSummary Write(TrigramComparison result, string outDir, CancellationToken cancel)
    {
        var (main, other, report) = TrigramCheckpointAnalysis.Write(result, outDir, cancel);
        var lines = new List<string>();
        foreach (var r in other is null ? [main] : new[] { main, other })
        {
            var m = r.Metrics;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{r.Label}: train_loss {m.TrainLoss:F5} train_loss_as_frac {m.TrainLossAsFrac:F5} (nominal {m.TrainLossAsFracNominal:F5}) " +
                $"trigram_frac_correct {m.TrigramFracCorrect:F4} trigram_n_correct {m.TrigramNCorrect}/{m.TrigramCount} " +
                $"occurrences {m.OccurrenceNCorrect}/{m.OccurrenceCount}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  prev-attn>0.2 vs correct: {r.PrevToken.AttentionVsCorrect.SizeB} vs {r.PrevToken.AttentionVsCorrect.SizeA}, jaccard {r.PrevToken.AttentionVsCorrect.Jaccard:F4}; " +
                $"QK AUC {r.Circuits.TokenAuc:F4}; OV acc {r.Circuits.OvAccuracy:F4} (+direct {r.Circuits.OvPlusDirectAccuracy:F4}); " +
                $"ablation direct {r.Ablation.DirectOnly} attn {r.Ablation.AttentionOnly} mlp {r.Ablation.MlpOnly} of {r.Ablation.Occurrences}"));
        }
        return new ToyAnalysisSummary(lines, report);
    }
}
