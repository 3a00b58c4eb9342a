using Probing.ToyModels.Analysis;
using Probing.Bayes;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;
using ScottPlot;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>A loss over every position and over the scored targets beyond 3n (NaN: not measured).</summary>
/// <param name="All">Mean loss over every position (nats).</param>
/// <param name="Targets">Mean loss over the scored targets beyond 3n (nats).</param>
public sealed record NRecurrenceLosses(double All, double Targets)
{
    /// <summary>The model's losses of <paramref name="score"/>.</summary>
    public static NRecurrenceLosses Of(NRecurrenceScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return new(score.LossNats, score.TargetLossNats);
    }
}

/// <summary>Analysis 5 at one step of training.</summary>
/// <param name="Step">Optimizer step of the weights.</param>
/// <param name="Test">Loss on the analysis sequences.</param>
/// <param name="Restricted">The same with every head but the kept ones mean-ablated.</param>
/// <param name="Train">Loss on (up to 256 of) the finite training set (NaN: the run had none).</param>
/// <param name="WeightNorm">Total weight L2 norm.</param>
public sealed record NRecurrenceProgressPoint(long Step, NRecurrenceLosses Test, NRecurrenceLosses Restricted, NRecurrenceLosses Train, double WeightNorm);

/// <summary>Analysis 5: progress measures at each snapshot and the final checkpoint, with the training log.</summary>
/// <param name="Points">Measurement points by step.</param>
/// <param name="Final">The final checkpoint's point.</param>
/// <param name="Snapshots">Weight snapshots measured (besides the final checkpoint).</param>
/// <param name="KeptHeads">The n-back heads the restricted loss keeps, ordered.</param>
/// <param name="Log">The run's metrics.jsonl (empty when absent).</param>
/// <param name="OnTargets">The run trained on the targets alone (its plot shows the target losses).</param>
/// <param name="IdealLossNats">The observer's loss on the plotted positions.</param>
public sealed record NRecurrenceProgress(IReadOnlyList<NRecurrenceProgressPoint> Points, NRecurrenceProgressPoint Final, int Snapshots,
    IReadOnlyList<(int Layer, int Head)> KeptHeads, IReadOnlyList<MetricsRecord> Log, bool OnTargets, double IdealLossNats);

/// <summary>
/// Analysis 5: progress measures during training (Nanda et al. 2023 style). From <c>metrics.jsonl</c>: train loss and
/// test loss (and train-set loss with a finite training set). From each weight snapshot (and the final checkpoint): the
/// test loss, the train-set loss, the <i>restricted loss</i> (every head except the final model's n-back heads
/// mean-ablated at <c>attn.hook_z</c>, mean over the batch per position) and the total weight L2 norm; each loss also at
/// the scored targets beyond 3n, which the plot shows when the run trained on those alone (<c>loss_positions</c> <c>targets</c>).
/// </summary>
internal static class ProgressAnalysis
{
    public static NRecurrenceProgress Compute(string checkpoint, HookedTransformer finalModel, NRecurrenceAnalysisData a, IReadOnlyList<HeadAttention> heads,
        long finalStep, CancellationToken cancel)
    {
        var keep = AttentionAnalysis.NBackHeads(heads).Select(h => (h.Layer, h.Head)).ToHashSet();
        var trainSet = a.Data.TrainSequences > 0
            ? NRecurrenceScoring.Draw(a.Data, a.Data.TrainSequences, new Random(a.Data.TrainSeed))[..Math.Min(a.Data.TrainSequences, 256)]
            : null;
        var trainBeliefs = trainSet?.Select(s => NRecurrenceObserver.Filter(a.Data.Spec, s.Tokens)).ToArray();
        var snapshots = ModelSnapshots.List(checkpoint).Where(s => s.Step != finalStep).ToList();
        var points = new List<NRecurrenceProgressPoint>();
        foreach (var (step, snapshotDir) in snapshots)
        {
            cancel.ThrowIfCancellationRequested();
            using var model = ToyCheckpoint.LoadModel(snapshotDir);
            model.eval();
            points.Add(Measure(step, model, a, keep, trainSet, trainBeliefs));
        }

        points.Add(Measure(finalStep, finalModel, a, keep, trainSet, trainBeliefs));
        var final = points[^1];
        points.Sort((x, y) => x.Step.CompareTo(y.Step)); // a stopped run has snapshots past its last checkpoint

        // A run trained on the targets alone is measured there: its other positions were never trained.
        var targets = a.Data.LossOnTargets;
        var metricsPath = Path.Combine(checkpoint, MetricsLog.FileName);
        var log = File.Exists(metricsPath) ? MetricsLog.Read(metricsPath) : [];
        return new NRecurrenceProgress(points, final, snapshots.Count, [.. keep.Order()], log, targets,
            targets ? a.Score().IdealTargetLossNats : a.Score().IdealLossNats);
    }

    public static ReportFigure Write(NRecurrenceProgress progress, string dir)
    {
        var points = progress.Points;
        var rows = new List<IReadOnlyList<object>>();
        foreach (var p in points)
            rows.Add([p.Step, p.Test.All, p.Restricted.All, Blank(p.Train.All), p.WeightNorm, Blank(p.Test.Targets), Blank(p.Restricted.Targets), Blank(p.Train.Targets)]);
        AnalysisFiles.WriteCsv(Path.Combine(dir, "progress_measures.csv"), ["step", "test_loss_nats", "restricted_loss_nats", "train_set_loss_nats", "weight_norm",
            "test_target_loss_nats", "restricted_target_loss_nats", "train_set_target_loss_nats"], rows);

        var targets = progress.OnTargets;
        var prefix = targets ? "target " : "";
        var key = targets ? "target_loss_nats" : "loss_nats";
        var log = progress.Log;
        var plot = new Plot();
        if (log.Count > 0)
        {
            var steps = log.Select(r => (double)r.Step).ToArray();
            plot.Add.Scatter(steps, log.Select(r => r.TrainLoss).ToArray()).LegendText = $"train {prefix}loss (running, log)";
            plot.Add.Scatter(steps, log.Select(r => r.Eval.GetValueOrDefault(key, double.NaN)).ToArray()).LegendText = $"test {prefix}loss (log)";
            if (log.Any(r => r.Eval.ContainsKey("train_set_" + key)))
                plot.Add.Scatter(steps, log.Select(r => r.Eval.GetValueOrDefault("train_set_" + key, double.NaN)).ToArray()).LegendText = $"train-set {prefix}loss (log)";
        }

        var xs = points.Select(p => (double)p.Step).ToArray();
        var restricted = plot.Add.Scatter(xs, points.Select(p => targets ? p.Restricted.Targets : p.Restricted.All).ToArray());
        restricted.LegendText = $"restricted {prefix}loss (n-back heads only)";
        restricted.LinePattern = LinePattern.Dashed;
        var ideal = plot.Add.HorizontalLine(progress.IdealLossNats);
        ideal.LegendText = "ideal observer";
        ideal.LineColor = Colors.Gray;
        plot.Title("Progress measures during training");
        plot.XLabel("step");
        plot.YLabel("loss (nats)");
        plot.ShowLegend(Alignment.UpperRight);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "progress_measures.png"));
        var norm = new Plot();
        norm.Add.Scatter(xs, points.Select(p => p.WeightNorm).ToArray()).LegendText = "total weight L2 norm";
        norm.Title("Weight norm during training");
        norm.XLabel("step");
        norm.YLabel("‖θ‖₂");
        AnalysisFiles.SavePng(norm, Path.Combine(dir, "weight_norm.png"));

        var last = progress.Final;
        var snapshots = progress.Snapshots;
        var answer = $"{points.Count} measurement points ({snapshots} snapshots{(snapshots == 0 ? "; set training.snapshot_every to record snapshots" : "")}); " +
            $"kept heads (≥ {AttentionAnalysis.NBackThreshold} attention on the previous target, else the strongest): {string.Join(", ", progress.KeptHeads.Select(k => $"L{k.Layer}H{k.Head}"))}. " +
            $"Final: test loss {AnalysisFiles.F(last.Test.All)}, restricted loss {AnalysisFiles.F(last.Restricted.All)}" +
            (double.IsNaN(last.Train.All) ? "" : $", train-set loss {AnalysisFiles.F(last.Train.All)}") +
            $"; at targets beyond 3n: test {AnalysisFiles.F(last.Test.Targets)}, restricted {AnalysisFiles.F(last.Restricted.Targets)}" +
            (double.IsNaN(last.Train.Targets) ? "" : $", train-set {AnalysisFiles.F(last.Train.Targets)}") + $"; weight norm {AnalysisFiles.F(last.WeightNorm, "0.00")}.";
        return new ReportFigure("5. Progress measures during training",
            "How do train and test loss, the loss of the n-back heads alone, and the weight norm evolve during training?",
            answer, "progress_measures.csv", ["progress_measures.png", "weight_norm.png"]);
    }

    private static object Blank(double value) => double.IsNaN(value) ? "" : value;

    private static NRecurrenceProgressPoint Measure(long step, HookedTransformer model, NRecurrenceAnalysisData a,
        HashSet<(int Layer, int Head)> keep, NRecurrenceSample[]? trainSet, NRecurrenceBelief[]? trainBeliefs)
    {
        var nCtx = a.Data.NCtx;
        var inputs = NRecurrenceScoring.Inputs(a.Samples, nCtx);
        var test = NRecurrenceActivations.Run(model, inputs, a.Samples.Length, false);
        var testLoss = NRecurrenceLosses.Of(NRecurrenceScoring.Score(a.Samples, a.Beliefs, test.Logits, nCtx, test.Vocab));
        var hooks = Enumerable.Range(0, model.Config.NLayers)
            .Select(l => ($"blocks.{l}.attn.hook_z", (Func<Tensor, string, Tensor?>)((z, _) => Ablate(z, l, model.Config.NHeads, keep))))
            .ToArray();
        var ablated = NRecurrenceActivations.Run(model, inputs, a.Samples.Length, false, hooks);
        var restricted = NRecurrenceLosses.Of(NRecurrenceScoring.Score(a.Samples, a.Beliefs, ablated.Logits, nCtx, ablated.Vocab));
        var train = new NRecurrenceLosses(double.NaN, double.NaN);
        if (trainSet is not null)
        {
            var acts = NRecurrenceActivations.Run(model, NRecurrenceScoring.Inputs(trainSet, nCtx), trainSet.Length, false);
            train = NRecurrenceLosses.Of(NRecurrenceScoring.Score(trainSet, trainBeliefs!, acts.Logits, nCtx, acts.Vocab));
        }

        double norm;
        using (no_grad())
        using (NewDisposeScope())
            norm = Math.Sqrt(model.parameters().Sum(p => p.Squared().sum().item<float>()));
        return new NRecurrenceProgressPoint(step, testLoss, restricted, train, norm);
    }

    // Mean ablation: heads outside the kept set output their batch-mean z at each position.
    private static Tensor Ablate(Tensor z, int layer, int nHeads, HashSet<(int Layer, int Head)> keep)
    {
        var mask = new float[nHeads];
        for (var h = 0; h < nHeads; h++) mask[h] = keep.Contains((layer, h)) ? 1f : 0f;
        var m = tensor(mask, [1, 1, nHeads, 1]);                                   // [1, 1, head, 1]
        var off = tensor(mask.Select(v => 1f - v).ToArray(), [1, 1, nHeads, 1]);    // [1, 1, head, 1]
        var mean = z.mean([0], keepdim: true);                                     // [1, pos, head, d_head]
        return (z * m).Plus(mean * off);                                             // [batch, pos, head, d_head]
    }
}
