using System.Diagnostics;
using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using static TorchSharp.torch;

namespace Probing.ToyModels.Training;

/// <summary>
/// Times training steps (<c>probe bench toy</c>): the trainer itself with a per-phase profile, and as
/// a reference in the same run a bare libtorch loop on the same model, so the trainer's overhead is a
/// ratio rather than an absolute time that depends on the machine.
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>
    /// The trigram task's model (d_model 32, 1 layer, 1 head of 16, d_mlp 20, d_vocab 75, no norm,
    /// batch 256 × 50) and the 4-layer d_model 128 llama-style model (RMS, rotary, gated SiLU 384,
    /// 4 heads, batch 64 × 132).
    /// </summary>
    public static IReadOnlyList<BenchmarkCase> DefaultCases { get; } =
    [
        new("trigram 1L d32", new HookedTransformerConfig
        {
            NLayers = 1, DModel = 32, NHeads = 1, DHead = 16, DMlp = 20, DVocab = 75, NCtx = 50,
            ActFn = "relu", NormalizationType = "none", PositionalEmbeddingType = "standard",
        }, 256),
        new("llama 4L d128", new HookedTransformerConfig
        {
            NLayers = 4, DModel = 128, NHeads = 4, DHead = 32, DMlp = 384, DVocab = 32, NCtx = 132,
            ActFn = "silu", NormalizationType = "RMS", PositionalEmbeddingType = "rotary", GatedMlp = true,
            UseBias = false, RotaryAdjacentPairs = true,
        }, 64),
    ];

    /// <summary>Runs <paramref name="warmupSteps"/> untimed then <paramref name="steps"/> timed steps of each kind.</summary>
    public static BenchmarkResult Run(BenchmarkCase benchCase, int warmupSteps, int steps, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(benchCase);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        var cfg = benchCase.Model;
        // The copy task gives uniform random tokens with a loss on half the positions: the same
        // work per step as any next-token task of this shape.
        var data = new CopyTask().Bind(new JsonObject { ["vocab"] = cfg.DVocab }, cfg.NCtx);
        var options = new TrainingOptions
        {
            Steps = warmupSteps + steps, BatchSize = benchCase.BatchSize, Lr = 1e-3, WarmupSteps = 0,
            EvalEvery = 0, CheckpointEvery = 0, GradClip = 1.0,
        };

        var bare = BareStepsPerSecond(cfg, data, options, warmupSteps, steps, cancellation);

        using var model = new HookedTransformer(cfg);
        var parameters = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        using var trainer = new ToyTrainer(model, data, options, "unused") { WriteFiles = false, EvaluateAtEnd = false };
        var profile = new StepProfile();
        trainer.Profile = profile;
        var clock = new Stopwatch();
        trainer.Train(new StepHook(step =>
        {
            if (step != warmupSteps) return;
            profile.Reset();
            clock.Start();
        }), cancellation);
        clock.Stop();
        cancellation.ThrowIfCancellationRequested();
        return new BenchmarkResult(benchCase, parameters, steps / clock.Elapsed.TotalSeconds, bare, profile);
    }

    private static double BareStepsPerSecond(HookedTransformerConfig cfg, IToyTaskData data, TrainingOptions options, int warmupSteps, int steps, CancellationToken cancellation)
    {
        using var model = new HookedTransformer(cfg);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(parameters, options.Lr, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
        using var batchScope = NewDisposeScope();
        var batch = data.Sample(options.BatchSize, new Random(1));
        var clock = new Stopwatch();
        for (var i = 0; i < warmupSteps + steps; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (i == warmupSteps) clock.Start();
            using var scope = NewDisposeScope();
            var logits = model.forward(batch.Tokens);                                    // [batch, pos, d_vocab]
            var loss = MaskedLoss.CrossEntropy(logits, batch.Targets, batch.LossMask);   // []
            _ = loss.item<float>();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, options.GradClip);
            // The trainer's update, not optimizer.step(): its Scalar temporaries can be finalized mid-call.
            AdamWUpdate.Step(optimizer, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
            optimizer.zero_grad();
        }

        clock.Stop();
        return steps / clock.Elapsed.TotalSeconds;
    }

    private sealed class StepHook(Action<long> onStep) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onStep(value.Step);
    }
}
