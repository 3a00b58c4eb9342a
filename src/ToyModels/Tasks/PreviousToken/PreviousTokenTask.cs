using Probing.ToyModels.Analysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>
/// Re-deriving position (seed 003): predict the previous token of a random sequence. The presets differ only
/// in the positional embedding: <c>learned</c>, <c>frozen-zero</c> (fixed at zero, as seed 003's
/// deactivate_position) and <c>none</c>. Options: <c>vocab</c> (default 8), <c>bos</c> (default true),
/// <c>eval_batch</c> (default 1024).
/// </summary>
public sealed class PreviousTokenTask : IToyTask
{
    /// <summary>The task name given to <c>--task</c>.</summary>
    public const string TaskName = "previous-token";

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public string Description => "Output the previous token of a random-token sequence, with learned, zeroed-and-frozen or no positional embeddings (seed 003).";

    /// <inheritdoc />
    public IReadOnlyList<ToyPreset> Presets { get; } =
    [
        Preset("none", "No positional embedding: only the causal mask carries position.", "none"),
        Preset("learned", "Learned positional embedding (the control).", "standard"),
        Preset("frozen-zero", "Positional embedding zeroed and frozen (seed 003's deactivate_position).", "fixed"),
    ];

    /// <inheritdoc />
    public IToyAnalysis? Analysis { get; } = new PreviousTokenToyAnalysis();

    /// <inheritdoc />
    public IToyTaskData Bind(JsonObject options, int nCtx) => new PreviousTokenTaskData(ReadOptions(options, nCtx, out var evalBatch), evalBatch);

    /// <summary>Reads the task options (unknown fields throw).</summary>
    public static PreviousTokenDataOptions ReadOptions(JsonObject? options, int nCtx, out int evalBatch)
    {
        options ??= [];
        var reader = new TaskOptions(TaskName, options, "vocab", "bos", "eval_batch");
        var bos = true;
        if (options["bos"] is JsonNode b)
        {
            if (b.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                throw new ArgumentException($"Task option {TaskName}.bos must be true or false; got {b.ToJsonString()}.");
            bos = b.GetValue<bool>();
        }

        var data = new PreviousTokenDataOptions { Vocab = reader.Int("vocab", 8, 2, 100_000), NCtx = nCtx, Bos = bos };
        data.Validate();
        evalBatch = reader.Int("eval_batch", 1024, 1, 1_000_000);
        return data;
    }

    private static ToyPreset Preset(string name, string description, string positions) => new(
        name,
        $"{description} 2 layers, 2 heads, d_model 32, d_head 16, d_mlp 128, LN, 8 tokens + BOS, n_ctx 10 (small enough for a 2-core CPU).",
        new ToyRunConfig(
            new HookedTransformerConfig
            {
                NLayers = 2, NHeads = 2, DModel = 32, DHead = 16, DMlp = 128, DVocab = 9, NCtx = 10,
                ActFn = "gelu", NormalizationType = "LN", PositionalEmbeddingType = positions, FixedPosEmbed = "zeros", Seed = 3,
            },
            new JsonObject { ["vocab"] = 8, ["bos"] = true, ["eval_batch"] = 512 },
            new TrainingOptions
            {
                Steps = 1500, BatchSize = 64, Lr = 3e-3, Schedule = LrScheduleKind.Cosine, WarmupSteps = 50,
                WeightDecay = 0.01, GradClip = 1.0, EvalEvery = 250, CheckpointEvery = 500, Seed = 3,
            }));
}
