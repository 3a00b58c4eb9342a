using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>Analysis 1: the model's loss at each position against the ideal observer's (index j predicts position j + 1).</summary>
/// <param name="Model">The model's loss at each position (nats).</param>
/// <param name="Ideal">The observer's loss at each position (nats).</param>
/// <param name="MeanGapNats">Model minus observer loss, averaged over positions.</param>
/// <param name="Score">Model and observer losses over the sequences.</param>
/// <param name="Sequences">Analysis sequences.</param>
/// <param name="VocabSize">d_vocab (the uniform predictor's loss is its log).</param>
public sealed record NRecurrenceLossByPosition(IReadOnlyList<double> Model, IReadOnlyList<double> Ideal, double MeanGapNats, NRecurrenceScore Score,
    int Sequences, int VocabSize);

/// <summary>Analysis 1: the model's loss at each position against the ideal observer's, and the gap averaged over positions.</summary>
internal static class LossByPositionAnalysis
{
    public static NRecurrenceLossByPosition Compute(NRecurrenceAnalysisData a)
    {
        var score = a.Score();
        var model = score.ModelLossByPosition();
        var ideal = score.IdealLossByPosition();
        var meanGap = model.Zip(ideal, (m, i) => m - i).ToArray().Average();
        return new NRecurrenceLossByPosition(model, ideal, meanGap, score, a.Samples.Length, a.Data.Spec.VocabSize);
    }

    public static ReportFigure Write(NRecurrenceLossByPosition r, string dir)
    {
        double[] model = [.. r.Model];
        double[] ideal = [.. r.Ideal];
        var gap = model.Zip(ideal, (m, i) => m - i).ToArray();
        var score = r.Score;
        AnalysisFiles.WriteCsv(Path.Combine(dir, "loss_by_position.csv"), ["position", "predicts", "model_loss_nats", "ideal_loss_nats", "gap_nats"],
            model.Select((m, j) => (IReadOnlyList<object>)[j, j + 1, m, ideal[j], gap[j]]));
        var plot = new Plot();
        var xs = Enumerable.Range(1, model.Length).Select(p => (double)p).ToArray();
        plot.Add.Scatter(xs, model).LegendText = "trained model";
        var o = plot.Add.Scatter(xs, ideal);
        o.LegendText = "ideal observer";
        o.LinePattern = LinePattern.Dashed;
        var uniform = plot.Add.HorizontalLine(Math.Log(r.VocabSize));
        uniform.LegendText = "ln d_vocab";
        uniform.LineColor = Colors.Gray;
        plot.Title("Loss by position: model vs ideal observer");
        plot.XLabel("position p of the predicted token");
        plot.YLabel("loss (nats)");
        plot.ShowLegend(Alignment.LowerLeft);
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "loss_by_position.png"));
        var answer = $"Mean gap over positions {AnalysisFiles.F(r.MeanGapNats)} nats (model {AnalysisFiles.F(score.LossNats)}, observer {AnalysisFiles.F(score.IdealLossNats)}); " +
            $"at target positions beyond 3n: model {AnalysisFiles.F(score.TargetLossNats)}, observer {AnalysisFiles.F(score.IdealTargetLossNats)} " +
            $"(gap {AnalysisFiles.F(score.TargetLossNats - score.IdealTargetLossNats)}), over {r.Sequences} fresh sequences.";
        return new ReportFigure("1. Loss by position against the ideal observer",
            "How close is the trained model's next-token loss to the exact Bayesian observer at each position?", answer,
            "loss_by_position.csv", ["loss_by_position.png"]);
    }
}
