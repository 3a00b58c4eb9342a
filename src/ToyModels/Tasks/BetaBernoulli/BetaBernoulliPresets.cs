using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Presets of the beta-Bernoulli task. <c>bottleneck</c> (the default) is seed 000's study: 1 layer, 1 head,
/// d_model 2, d_head 1, d_mlp 16, n_ctx 20, Beta(1,1), lr 1e-3, batch 64, no normalization (LayerNorm over
/// 2 dimensions would keep only a sign), and a frozen log-shaped positional embedding: the hooked transformer's
/// <c>fixed_pos_embed = "log"</c>, W_pos[p, d_model−1] = ln(p + 1) and 0 in every other dimension.
/// </summary>
public static class BetaBernoulliPresets
{
    /// <summary>Every preset, default first.</summary>
    public static IReadOnlyList<ToyPreset> All { get; } =
    [
        new("bottleneck", "Seed 000's study: 1 layer, 1 head, d_model 2, d_head 1, d_mlp 16, n_ctx 20, Beta(1,1), BOS, fixed log positions, lr 1e-3, batch 64.",
            new ToyRunConfig(Bottleneck, new JsonObject { ["alpha"] = 1.0, ["beta"] = 1.0, ["bos"] = true }, BottleneckTraining)),
        new("roomy", "For comparison: 2 layers, 2 heads, d_model 16, d_head 8, d_mlp 64, LayerNorm, learned positions, n_ctx 20, Beta(1,1).",
            new ToyRunConfig(Roomy, new JsonObject { ["alpha"] = 1.0, ["beta"] = 1.0, ["bos"] = true }, RoomyTraining)),
        new("mixture", "The roomy model on a mixture of priors 0.5·Beta(1,1) + 0.5·Beta(10,2); the optimum is the exact posterior over priors.",
            new ToyRunConfig(Roomy, new JsonObject { ["mixture"] = "0.5:1:1,0.5:10:2", ["bos"] = true }, RoomyTraining)),
        new("tiny", "A seconds-long smoke run: the bottleneck model, n_ctx 8, 60 steps.",
            new ToyRunConfig(Bottleneck with { NCtx = 8 }, new JsonObject { ["bos"] = true, ["eval_batch"] = 256 },
                BottleneckTraining with { Steps = 60, EvalEvery = 20, CheckpointEvery = 60 })),
    ];

    private static HookedTransformerConfig Bottleneck => new()
    {
        NLayers = 1, NHeads = 1, DModel = 2, DHead = 1, DMlp = 16, DVocab = 3, NCtx = 20,
        ActFn = "gelu", NormalizationType = null, PositionalEmbeddingType = "fixed", FixedPosEmbed = "log", Seed = 100,
    };

    private static HookedTransformerConfig Roomy => new()
    {
        NLayers = 2, NHeads = 2, DModel = 16, DHead = 8, DMlp = 64, DVocab = 3, NCtx = 20,
        ActFn = "gelu", NormalizationType = "LN", PositionalEmbeddingType = "standard", Seed = 100,
    };

    private static TrainingOptions BottleneckTraining => new()
    {
        Steps = 2000, BatchSize = 64, Lr = 1e-3, Schedule = LrScheduleKind.Constant, WeightDecay = 0.0,
        GradClip = 1.0, EvalEvery = 500, CheckpointEvery = 1000, Seed = 100,
    };

    private static TrainingOptions RoomyTraining => new()
    {
        Steps = 6000, BatchSize = 64, Lr = 1e-3, Schedule = LrScheduleKind.Cosine, WarmupSteps = 100, WeightDecay = 0.0,
        GradClip = 1.0, EvalEvery = 500, CheckpointEvery = 1000, Seed = 100,
    };
}
