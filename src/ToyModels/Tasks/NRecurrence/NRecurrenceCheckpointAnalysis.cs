using Probing.ToyModels.Analysis;
using System.Text;
using Probing.Bayes;
using Probing.ToyModels.Checkpoints;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// <c>probe toy analyze --task n-recurrence</c>: loads a checkpoint, draws fresh sequences from the process it was
/// trained on and computes the seven analyses (<see cref="Compute"/>, which writes nothing); <see cref="Write"/> writes
/// them (CSV + PNG each) and <c>report.md</c> into the output folder.
/// </summary>
public static class NRecurrenceCheckpointAnalysis
{
    /// <summary>Computes the analyses of <paramref name="checkpoint"/>; writes nothing.</summary>
    /// <param name="checkpoint">A run directory of the n-recurrence task.</param>
    /// <param name="sequences">Fresh analysis sequences.</param>
    /// <param name="seed">Seed of the analysis sequences.</param>
    /// <param name="cancel">Stops between analyses.</param>
    public static NRecurrenceAnalyses Compute(string checkpoint, int sequences = 1024, int seed = 12345, CancellationToken cancel = default)
    {
        if (sequences < 16) throw new ArgumentException($"the analysis needs at least 16 sequences (got {sequences}).");
        using var model = ToyCheckpoint.LoadModel(checkpoint);
        model.eval();
        var task = new NRecurrenceTask();
        var data = NRecurrenceTask.ReadOptions(CheckpointTaskOptions.Read(checkpoint, task), model.Config.NCtx);
        var samples = NRecurrenceScoring.Draw(data, sequences, new Random(seed));
        var beliefs = samples.Select(s => NRecurrenceObserver.Filter(data.Spec, s.Tokens)).ToArray();
        var acts = NRecurrenceActivations.Run(model, NRecurrenceScoring.Inputs(samples, data.NCtx), sequences, true);
        var a = new NRecurrenceAnalysisData(data, samples, beliefs, acts);
        var finalStep = FinalStep(checkpoint);

        var loss = LossByPositionAnalysis.Compute(a);
        cancel.ThrowIfCancellationRequested();
        var icl = IclRateAnalysis.Compute(a);
        cancel.ThrowIfCancellationRequested();
        var probes = BeliefProbeAnalysis.Compute(a);
        cancel.ThrowIfCancellationRequested();
        var attention = AttentionAnalysis.Compute(a, model.Config.NHeads);
        cancel.ThrowIfCancellationRequested();
        var progress = ProgressAnalysis.Compute(checkpoint, model, a, attention.Heads, finalStep, cancel);
        cancel.ThrowIfCancellationRequested();
        var edit = BeliefEditAnalysis.Compute(model, a);
        cancel.ThrowIfCancellationRequested();
        var trajectory = BeliefTrajectoryAnalysis.Compute(a);

        var header = CheckpointTaskOptions.Header(checkpoint, model.Config, data.Label);
        header.Add($"- analysis: {sequences} fresh sequences (seed {seed}), step {finalStep}");
        return new NRecurrenceAnalyses(header, seed, loss, icl, probes, attention, progress, edit, trajectory);
    }

    /// <summary>Writes <paramref name="analyses"/> (CSV + PNG each) and <c>report.md</c> into <paramref name="outDir"/> (created).</summary>
    /// <param name="analyses">What <see cref="Compute"/> returned.</param>
    /// <param name="outDir">Output folder.</param>
    /// <param name="cancel">Stops between analyses.</param>
    public static NRecurrenceAnalysisResult Write(NRecurrenceAnalyses analyses, string outDir, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(analyses);
        Directory.CreateDirectory(outDir);
        var figures = new List<ReportFigure>();
        foreach (var write in new Func<ReportFigure>[]
                 {
                     () => LossByPositionAnalysis.Write(analyses.LossByPosition, outDir),
                     () => IclRateAnalysis.Write(analyses.IclRate, outDir),
                     () => BeliefProbeAnalysis.Write(analyses.BeliefProbes, outDir),
                     () => AttentionAnalysis.Write(analyses.Attention, outDir),
                     () => ProgressAnalysis.Write(analyses.Progress, outDir),
                     () => BeliefEditAnalysis.Write(analyses.BeliefEdit, outDir),
                     () => BeliefTrajectoryAnalysis.Write(analyses.BeliefTrajectory, outDir),
                 })
        {
            cancel.ThrowIfCancellationRequested();
            figures.Add(write());
        }

        var report = Path.Combine(outDir, "report.md");
        AnalysisFiles.WriteText(report, Render(analyses.Header, figures));
        var loss = analyses.LossByPosition;
        return new NRecurrenceAnalysisResult(loss.Score, loss.MeanGapNats, analyses.IclRate.ModelTargets, analyses.IclRate.IdealTargets,
            analyses.Attention.Heads, report);
    }

    /// <summary>Analyses <paramref name="checkpoint"/> into <paramref name="outDir"/>: <see cref="Compute"/>, then <see cref="Write"/>.</summary>
    /// <param name="checkpoint">A run directory of the n-recurrence task.</param>
    /// <param name="outDir">Output folder (created).</param>
    /// <param name="sequences">Fresh analysis sequences.</param>
    /// <param name="seed">Seed of the analysis sequences.</param>
    /// <param name="cancel">Stops between analyses.</param>
    public static NRecurrenceAnalysisResult Run(string checkpoint, string outDir, int sequences = 1024, int seed = 12345, CancellationToken cancel = default) =>
        Write(Compute(checkpoint, sequences, seed, cancel), outDir, cancel);

    private static long FinalStep(string checkpoint)
    {
        // The step of the weights themselves: metrics.jsonl runs ahead of the last checkpoint when a run was stopped.
        var weights = SafeTensorsFile.Read(Path.Combine(checkpoint, ToyCheckpoint.ModelFile));
        if (weights.Metadata.TryGetValue("step", out var step) && long.TryParse(step, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            return value;
        var metrics = Path.Combine(checkpoint, Training.MetricsLog.FileName);
        return File.Exists(metrics) && Training.MetricsLog.Read(metrics) is { Count: > 0 } log ? log[^1].Step : 0;
    }

    private static string Render(IReadOnlyList<string> header, IReadOnlyList<ReportFigure> figures)
    {
        var text = new StringBuilder("# n-recurrence: trained model against the ideal observer\n\n");
        foreach (var line in header) text.Append(line).Append('\n');
        foreach (var f in figures)
        {
            text.Append($"\n## {f.Title}\n\n**Question.** {f.Question}\n\n**Answer.** {f.Answer}\n\n");
            if (f.Table is not null) text.Append(f.Table).Append('\n');
            foreach (var png in f.Pngs) text.Append($"![{png}]({png})\n");
            text.Append($"\nData: [{f.Csv}]({f.Csv})\n");
        }

        return text.ToString();
    }
}
