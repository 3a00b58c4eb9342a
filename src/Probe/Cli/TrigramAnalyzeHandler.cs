using System.Diagnostics;
using System.Globalization;
using Probing.ToyModels.Tasks.Trigram.Analysis;

namespace Probing.Cli;

/// <summary><c>probe toy analyze --task trigram</c>: the seed 001 worklog's analyses, written to report.md.</summary>
internal static class TrigramAnalyzeHandler
{
    public static int Run(ToyAnalyzeRequest request, CliContext context)
    {
        ToyCli.ApplyThreads(request.Threads);
        var clock = Stopwatch.StartNew();
        var (main, other, report) = TrigramCheckpointAnalysis.Run(request.Checkpoint, request.OutDir, request.Compare, context.Cancellation);
        foreach (var r in other is null ? [main] : new[] { main, other })
        {
            var m = r.Metrics;
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Label}: train_loss {m.TrainLoss:F5} train_loss_as_frac {m.TrainLossAsFrac:F5} (nominal {m.TrainLossAsFracNominal:F5}) " +
                $"trigram_frac_correct {m.TrigramFracCorrect:F4} trigram_n_correct {m.TrigramNCorrect}/{m.TrigramCount} " +
                $"occurrences {m.OccurrenceNCorrect}/{m.OccurrenceCount}"));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  prev-attn>0.2 vs correct: {r.PrevToken.AttentionVsCorrect.SizeB} vs {r.PrevToken.AttentionVsCorrect.SizeA}, jaccard {r.PrevToken.AttentionVsCorrect.Jaccard:F4}; " +
                $"QK AUC {r.Circuits.TokenAuc:F4}; OV acc {r.Circuits.OvAccuracy:F4} (+direct {r.Circuits.OvPlusDirectAccuracy:F4}); " +
                $"ablation direct {r.Ablation.DirectOnly} attn {r.Ablation.AttentionOnly} mlp {r.Ablation.MlpOnly} of {r.Ablation.Occurrences}"));
        }
        context.Out.WriteLine($"report: {report} ({clock.Elapsed.TotalSeconds:F1} s)");
        return ExitCodes.Ok;
    }
}
