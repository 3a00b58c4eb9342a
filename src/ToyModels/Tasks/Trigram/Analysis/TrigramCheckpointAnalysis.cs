using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Loads trigram checkpoints and runs every analysis on them (<c>probe toy analyze --task trigram</c>).</summary>
public static class TrigramCheckpointAnalysis
{
    /// <summary>Analyses <paramref name="checkpoint"/> (and <paramref name="compare"/>) without writing anything.</summary>
    /// <param name="checkpoint">A trigram training run directory.</param>
    /// <param name="compare">A second checkpoint (normally the attention-only preset), or null.</param>
    /// <param name="cancel">Checked between analyses.</param>
    public static TrigramComparison Compute(string checkpoint, string? compare, CancellationToken cancel = default)
    {
        foreach (var dir in compare is null ? [checkpoint] : new[] { checkpoint, compare })
        {
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"checkpoint folder '{dir}' does not exist; pass the folder of a trigram training run.");
        }
        var main = Analyze(checkpoint, cancel);
        cancel.ThrowIfCancellationRequested();
        var other = compare is null ? null : Analyze(compare, cancel);
        cancel.ThrowIfCancellationRequested();
        return new TrigramComparison(checkpoint, main, other);
    }

    /// <summary>Writes each model's analyses (the second into <c>compare/</c>) and report.md; returns the report path.</summary>
    public static (TrigramAnalysisResult Main, TrigramAnalysisResult? Other, string Report) Write(TrigramComparison comparison, string outDir, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var main = TrigramAnalysisWriter.Write(comparison.Main.Result, comparison.Main.Dataset, comparison.Main.Batch, outDir, cancel);
        cancel.ThrowIfCancellationRequested();
        var other = comparison.Other is { } o ? TrigramAnalysisWriter.Write(o.Result, o.Dataset, o.Batch, Path.Combine(outDir, "compare"), cancel) : null;
        cancel.ThrowIfCancellationRequested();
        TrigramReport.Write(outDir, main, other, comparison.Checkpoint);
        return (main, other, Path.Combine(outDir, "report.md"));
    }

    /// <summary>Computes and writes: <see cref="Compute"/>, then <see cref="Write"/>.</summary>
    public static (TrigramAnalysisResult Main, TrigramAnalysisResult? Other, string Report) Run(string checkpoint, string outDir, string? compare,
        CancellationToken cancel = default) => Write(Compute(checkpoint, compare, cancel), outDir, cancel);

    /// <summary>
    /// Loads one checkpoint in float64 (the analyses' precision), norms folded, with the dataset and evaluation batch it was
    /// trained with. Dispose the model.
    /// </summary>
    public static (HookedTransformer Model, TrigramDataset Dataset, TrigramBatch Batch, string Label) Load(string checkpoint)
    {
        var opened = ToyCheckpoint.Open(checkpoint, TrigramTask.TaskName);
        var label = opened.Run?.Preset ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpoint)));
        var model = ToyCheckpoint.LoadModel(checkpoint);
        try
        {
            var data = (TrigramTaskData)new TrigramTask().Bind(opened.Config.Task, model.Config.NCtx);
            if (data.Dataset.DVocab != model.Config.DVocab)
                throw new ArgumentException($"{checkpoint}: the trigram task has d_vocab {data.Dataset.DVocab} but the model has {model.Config.DVocab}; pass a trigram checkpoint.");
            if (model.Config.Norm is NormKind.LN or NormKind.RMS)
            {
                var folded = model.FoldLayerNorm();
                model.Dispose();
                model = folded;
            }
            var float64 = model.CloneAs(ScalarType.Float64);
            model.Dispose();
            model = float64;
            model.eval();
            return (model, data.Dataset, data.EvalBatch, label);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static TrigramAnalyzed Analyze(string checkpoint, CancellationToken cancel)
    {
        var (model, dataset, batch, label) = Load(checkpoint);
        using (model)
            return new TrigramAnalyzed(TrigramAnalysis.Compute(model, dataset, batch, label, cancel: cancel), dataset, batch);
    }
}
