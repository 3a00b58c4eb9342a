using System.Text.Json.Nodes;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;
using Probing.ToyModels.Tests.Trigram.Reference;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tests.Trigram;

/// <summary>
/// The hook-based analyses (the model's own forward pass in float64, RunWithHooks ablations, QKCircuit/OVCircuit)
/// against the plain-C# reference forward pass they replace, on a tiny trained model.
/// </summary>
public sealed class TrigramHookedAnalysisTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trigram-hooked-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GivenATinyTrainedModel_WhenAnalysedThroughHooks_ThenEveryFigureMatchesTheReferenceForwardPass(bool attnOnly)
    {
        var run = Train(attnOnly);
        TrigramAnalysisResult ours;
        TrigramDataset dataset;
        TrigramBatch batch;
        var (model64, d, b, label) = TrigramCheckpointAnalysis.Load(run);
        using (model64)
        {
            (dataset, batch) = (d, b);
            Assert.Equal(TorchSharp.torch.ScalarType.Float64, model64.W_E.dtype);
            ours = TrigramAnalysis.Compute(model64, dataset, batch, label);
        }
        using var model32 = ToyCheckpoint.LoadModel(run);
        var w = OneLayerWeightsOf.From(model32);
        var acts = OneLayerForward.Run(w, batch.Tokens, batch.Size, batch.SeqLen);
        var setLogits = OneLayerForward.LastPositionLogits(w, dataset.Set.Trigrams.Select(t => new[] { t.X, t.Y }).ToList());
        var metrics = TrigramMetrics.Evaluate(acts.Logits, batch, setLogits, dataset);

        Assert.True(batch.CompletionPositions.Count > 0);
        Assert.Equal(ReferencePathAblation.Analyze(w, batch), ours.Ablation);
        foreach (var ((name, expected), (_, actual)) in metrics.ToNamedValues().Zip(ours.Metrics.ToNamedValues()))
            Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{name}: {expected} vs {actual}");
        AssertClose(acts.Pattern, ours.Pattern, 1e-6, "pattern");
        AssertClose(setLogits, ours.SetLogits, 1e-5, "set logits");
        AssertClose(ReferenceCircuits.QkToken(w), ours.QkToken, 1e-9, "QK token");
        // The reference added W_E and W_pos in float before widening; the model adds them in float64.
        AssertClose(ReferenceCircuits.QkAdjacentFull(w), ours.QkAdjacentFull, 1e-7, "QK adjacent full");
        AssertClose(ReferenceCircuits.QkPositional(w), ours.QkPositional, 1e-9, "QK positional");
        AssertClose(ReferenceCircuits.OvToken(w), ours.Ov, 1e-9, "OV");
        Assert.True(ReferenceCircuits.QkToken(w).Select(Math.Abs).Max() > 1e-3, "the circuits are not trivially zero");
        TrigramCircuits.TopOneAccuracy(dataset.Set, ReferenceCircuits.OvToken(w), ReferenceCircuits.DirectToken(w), out var bothOk);
        Assert.Equal(bothOk, ours.OvPlusDirectCorrect);
        Assert.Equal((0, 0), (ours.Layer, ours.Head));
    }

    private string Train(bool attnOnly)
    {
        var task = ToyTaskRegistry.Get(TrigramTask.TaskName);
        var preset = ToyTaskRegistry.GetPreset(task, null).Run;
        var config = preset with
        {
            Model = preset.Model with { DVocab = 8, NCtx = 10, DModel = 12, DHead = 6, DMlp = attnOnly ? 0 : 10, AttnOnly = attnOnly, Seed = 3 },
            Task = new JsonObject { ["d_vocab"] = 8, ["trigram_prob"] = 0.3, ["eval_size"] = 40 },
            Training = preset.Training with { Steps = 30, BatchSize = 16, Lr = 1e-2, WarmupSteps = 0, EvalEvery = 0, CheckpointEvery = 0, Seed = 3 },
        };
        var run = Path.Combine(_dir, attnOnly ? "attn-only" : "mlp");
        using var toy = ToyRun.Create(task.Name, null, null, config, run, 1, "cpu");
        Assert.Equal(TrainingOutcome.Completed, toy.Train().Outcome);
        return run;
    }

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        var diff = MaxDiff(expected, actual);
        Assert.True(diff < tolerance, $"{what}: max |difference| {diff:G3} > {tolerance:G3}");
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance, string what)
    {
        var diff = MaxDiff(expected, actual);
        Assert.True(diff < tolerance, $"{what}: max |difference| {diff:G3} > {tolerance:G3}");
    }

    private static double MaxDiff(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        Assert.Equal(a.Count, b.Count);
        return a.Count == 0 ? 0 : a.Zip(b).Max(p => (double)Math.Abs(p.First - p.Second));
    }

    private static double MaxDiff(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        Assert.Equal(a.Count, b.Count);
        return a.Count == 0 ? 0 : a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
    }
}
