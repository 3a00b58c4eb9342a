using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// Presets of the n-recurrence task, all on seed 002's small setting (V 16, n 2..5, n_ctx 32). <c>small</c> (default):
/// the starting model on deterministic data (lr 2e-3: at 1e-3 it stays above the 0.05-nat target gap in 3000 steps); <c>stochastic</c>: the same model on stochastic data with
/// p_noise = p_transition = 1/(5n); <c>grokking</c>: a finite training set of 1000 sequences, weight decay 1.0 and long
/// training, with train-set and test-set loss in every evaluation; <c>tiny</c>: a seconds-long smoke run.
/// </summary>
public static class NRecurrencePresets
{
    /// <summary>Every preset, default first.</summary>
    public static IReadOnlyList<ToyPreset> All { get; } =
    [
        new("small", "Deterministic, V 16, n 2..5, n_ctx 32: 2 layers, 4 heads, d_model 64, d_mlp 256, LN, 3000 steps of batch 64, lr 2e-3.",
            new ToyRunConfig(Small, Options(false), SmallTraining)),
        new("stochastic", "Stochastic, p_noise = p_transition = 1/(5n), otherwise as small; 4000 steps.",
            new ToyRunConfig(Small, Options(true), SmallTraining with { Steps = 4000 })),
        new("grokking", "Deterministic on a finite training set of 1000 sequences, weight decay 1.0, constant lr 1e-3, 20000 steps; logs train_set_loss_nats and loss_nats (test).",
            new ToyRunConfig(Small, Options(false, trainSequences: 1000), new TrainingOptions
            {
                Steps = 20000, BatchSize = 64, Lr = 1e-3, Schedule = LrScheduleKind.Constant, WarmupSteps = 100, WeightDecay = 1.0,
                GradClip = 1.0, EvalEvery = 500, CheckpointEvery = 2000, Seed = 2,
            })),
        new("tiny", "A seconds-long smoke run: 1 layer, 2 heads, d_model 16, 30 steps.",
            new ToyRunConfig(Small with { NLayers = 1, NHeads = 2, DModel = 16, DHead = 8, DMlp = 32 }, Options(false, evalBatch: 32),
                SmallTraining with { Steps = 30, EvalEvery = 10, CheckpointEvery = 30, WarmupSteps = 0 })),
    ];

    private static HookedTransformerConfig Small => new()
    {
        NLayers = 2, NHeads = 4, DModel = 64, DHead = 16, DMlp = 256, DVocab = 16, NCtx = 32,
        ActFn = "gelu", NormalizationType = "LN", PositionalEmbeddingType = "standard", Seed = 2,
    };

    private static TrainingOptions SmallTraining => new()
    {
        Steps = 3000, BatchSize = 64, Lr = 2e-3, Schedule = LrScheduleKind.Cosine, WarmupSteps = 100, FinalLrFraction = 0.1,
        WeightDecay = 0.01, GradClip = 1.0, EvalEvery = 250, CheckpointEvery = 1000, Seed = 2,
    };

    private static JsonObject Options(bool stochastic, int trainSequences = 0, int evalBatch = 512)
    {
        var options = new JsonObject { ["vocab"] = 16, ["min_n"] = 2, ["max_n"] = 5, ["stochastic"] = stochastic, ["eval_batch"] = evalBatch };
        if (trainSequences > 0) options["train_sequences"] = trainSequences;
        return options;
    }
}
