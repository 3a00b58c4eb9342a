using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Loads trigram checkpoints and runs every analysis on them (<c>probe toy analyze --task trigram</c>).</summary>
public static class TrigramCheckpointAnalysis
{
    /// <summary>Largest |logit| difference tolerated between the TorchSharp model and the analysis forward pass.</summary>
    public const double ForwardTolerance = 2e-3;

    /// <summary>Analyses <paramref name="checkpoint"/> (and <paramref name="compare"/> into <c>compare/</c>), writes report.md; returns the report path.</summary>
    /// <param name="checkpoint">A <c>probe toy train --task trigram</c> run directory.</param>
    /// <param name="outDir">Output folder.</param>
    /// <param name="compare">A second checkpoint (normally the attention-only preset), or null.</param>
    /// <param name="cancel">Ctrl-C: checked between analyses; what finished stays written.</param>
    public static (TrigramAnalysisResult Main, TrigramAnalysisResult? Other, string Report) Run(string checkpoint, string outDir, string? compare,
        CancellationToken cancel = default)
    {
        foreach (var dir in compare is null ? [checkpoint] : new[] { checkpoint, compare })
        {
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"checkpoint folder '{dir}' does not exist; pass the folder of a trigram training run.");
        }
        var main = Analyze(checkpoint, outDir, cancel);
        cancel.ThrowIfCancellationRequested();
        var other = compare is null ? null : Analyze(compare, Path.Combine(outDir, "compare"), cancel);
        cancel.ThrowIfCancellationRequested();
        TrigramReport.Write(outDir, main, other, checkpoint);
        return (main, other, Path.Combine(outDir, "report.md"));
    }

    /// <summary>Loads one checkpoint as analysis weights plus the dataset and evaluation batch it was trained with.</summary>
    public static (OneLayerWeights Weights, TrigramDataset Dataset, TrigramBatch Batch, string Label) Load(string checkpoint)
    {
        using var model = ToyCheckpoint.LoadModel(checkpoint);
        var (config, label) = RunConfigOf(checkpoint);
        var data = (TrigramTaskData)new TrigramTask().Bind(config.Task, model.Config.NCtx);
        if (data.Dataset.DVocab != model.Config.DVocab)
            throw new ArgumentException($"{checkpoint}: the trigram task has d_vocab {data.Dataset.DVocab} but the model has {model.Config.DVocab}; pass a trigram checkpoint.");
        var weights = OneLayerWeightsOf.From(model);
        var batch = data.EvalBatch;
        CheckForward(model, weights, batch, checkpoint);
        return (weights, data.Dataset, batch, label);
    }

    private static TrigramAnalysisResult Analyze(string checkpoint, string outDir, CancellationToken cancel)
    {
        var (weights, dataset, batch, label) = Load(checkpoint);
        return TrigramAnalysis.Run(weights, dataset, batch, outDir, label, cancel: cancel);
    }

    private static (ToyRunConfig Config, string Label) RunConfigOf(string checkpoint)
    {
        var opened = ToyCheckpoint.Open(checkpoint, TrigramTask.TaskName);
        return (opened.Config, opened.Run?.Preset ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpoint))));
    }

    // The analyses run on a plain-C# forward pass; make sure it computes what the trained model computes.
    private static void CheckForward(HookedTransformer model, OneLayerWeights weights, TrigramBatch batch, string checkpoint)
    {
        var n = Math.Min(16, batch.Size);
        var tokens = batch.Tokens.Take(n * batch.SeqLen).ToArray();
        float[] reference;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            model.eval();
            var input = tensor(tokens.Select(t => (long)t).ToArray(), [n, batch.SeqLen]);           // [n, pos]
            reference = model.forward(input).to(ScalarType.Float32).contiguous().data<float>().ToArray(); // [n, pos, d_vocab]
        }
        var ours = OneLayerForward.Run(weights, tokens, n, batch.SeqLen).Logits;
        var worst = 0.0;
        for (var i = 0; i < ours.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] - reference[i]));
        if (!(worst <= ForwardTolerance))
            throw new InvalidDataException($"{checkpoint}: the analysis forward pass differs from the model by {worst:G3} in the logits; the checkpoint uses a feature the trigram analyses do not model.");
    }
}
