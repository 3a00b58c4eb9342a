using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks;

/// <summary>
/// Built-in smoke-test task: a sequence of <c>n_ctx/2</c> random tokens followed by a copy of it; the
/// loss counts the copied half only. One attention layer with learned positions solves it.
/// Options: <c>vocab</c> (token count, must equal d_vocab; default 10), <c>eval_batch</c> (default 256).
/// </summary>
public sealed class CopyTask : IToyTask
{
    /// <inheritdoc />
    public string Name => "copy";

    /// <inheritdoc />
    public string Description => "Repeat a random sequence: first half random tokens, second half copies them (smoke test).";

    /// <inheritdoc />
    public IReadOnlyList<ToyPreset> Presets { get; } =
    [
        new("small", "1 layer, 2 heads, learned positions, 10 tokens, 16 positions; learns to copy in a few hundred steps.",
            new ToyRunConfig(
                new HookedTransformerConfig
                {
                    NLayers = 1, DModel = 32, NHeads = 2, DHead = 16, DMlp = 64, DVocab = 10, NCtx = 16,
                    ActFn = "gelu", NormalizationType = "LN", PositionalEmbeddingType = "standard",
                },
                new JsonObject { ["vocab"] = 10 },
                new TrainingOptions
                {
                    Steps = 600, BatchSize = 64, Lr = 3e-3, Schedule = LrScheduleKind.Cosine, WarmupSteps = 30,
                    WeightDecay = 0.01, GradClip = 1.0, EvalEvery = 100, CheckpointEvery = 200,
                })),
        new("llama", "2 layers, llama style (RMS, rotary, gated SiLU, no biases): the shape GGUF export handles.",
            new ToyRunConfig(
                new HookedTransformerConfig
                {
                    NLayers = 2, DModel = 32, NHeads = 2, DHead = 16, DMlp = 64, DVocab = 10, NCtx = 16,
                    ActFn = "silu", NormalizationType = "RMS", PositionalEmbeddingType = "rotary", GatedMlp = true,
                    UseBias = false, RotaryAdjacentPairs = true,
                },
                new JsonObject { ["vocab"] = 10 },
                new TrainingOptions
                {
                    Steps = 600, BatchSize = 64, Lr = 3e-3, Schedule = LrScheduleKind.Cosine, WarmupSteps = 30,
                    WeightDecay = 0.01, GradClip = 1.0, EvalEvery = 100, CheckpointEvery = 200,
                })),
        new("tiny", "A seconds-long smoke run: d_model 16, 8 positions, 40 steps.",
            new ToyRunConfig(
                new HookedTransformerConfig
                {
                    NLayers = 1, DModel = 16, NHeads = 1, DHead = 16, DMlp = 32, DVocab = 6, NCtx = 8,
                    ActFn = "gelu_new", NormalizationType = "LN", PositionalEmbeddingType = "standard",
                },
                new JsonObject { ["vocab"] = 6 },
                new TrainingOptions
                {
                    Steps = 40, BatchSize = 16, Lr = 1e-2, Schedule = LrScheduleKind.Linear, WarmupSteps = 4,
                    EvalEvery = 10, CheckpointEvery = 20,
                })),
    ];

    /// <inheritdoc />
    public IToyTaskData Bind(JsonObject options, int nCtx)
    {
        var reader = new TaskOptions(Name, options, "vocab", "eval_batch");
        return new CopyTaskData(reader.Int("vocab", 10, 2, 1_000_000), nCtx, reader.Int("eval_batch", 256, 1, 1_000_000));
    }
}
