using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks.IclLinear;

/// <summary>
/// In-context function learning as character-level text in the ICL harness's default prompt format,
/// <c>(x, y), (x, y), …</c> (issue 9, seed 004): each sequence shows examples of one f(x) = a·x + b, and
/// the loss counts the answer characters (<c>" " + y + ")"</c>). The trained llama-style model is exported
/// to GGUF as <c>models/icl-linear-tiny.gguf</c>, the default model of <c>probe icl</c>.
/// Options: <c>a_min</c>, <c>a_max</c>, <c>b_min</c>, <c>b_max</c>, <c>x_min</c>, <c>x_max</c>,
/// <c>held_out</c> (array of [a, b] pairs never trained on), <c>eval_batch</c>.
/// </summary>
public sealed class IclLinearTask : IToyTask
{
    /// <summary>The task name given to <c>--task</c>.</summary>
    public const string TaskName = "icl-linear";

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public string Description => "In-context learning of f(x) = a*x + b from '(x, y), (x, y), ...' text, loss on the answers (the bundled model of probe icl).";

    /// <summary>The default options: a in 0..5, b in 0..9, x in 0..19; 4x+1, 3x+7 and 1x+6 held out.</summary>
    public static JsonObject DefaultOptions() => new()
    {
        ["a_min"] = 0, ["a_max"] = 5, ["b_min"] = 0, ["b_max"] = 9, ["x_min"] = 0, ["x_max"] = 19,
        ["held_out"] = new JsonArray(new JsonArray(4, 1), new JsonArray(3, 7), new JsonArray(1, 6)),
        ["eval_batch"] = 128,
    };

    /// <inheritdoc />
    public IReadOnlyList<ToyPreset> Presets { get; } =
    [
        new("tiny", "The bundled model: llama style (RMSNorm, adjacent-pair rotary, SwiGLU, no biases), 2 layers, d_model 64, n_ctx 144.",
            new ToyRunConfig(
                Llama(nLayers: 2, dModel: 64, nHeads: 4, dMlp: 192),
                DefaultOptions(),
                new TrainingOptions
                {
                    Steps = 1500, BatchSize = 32, Lr = 2e-3, Schedule = LrScheduleKind.Cosine, WarmupSteps = 50,
                    FinalLrFraction = 0.1, WeightDecay = 0.01, GradClip = 1.0, EvalEvery = 100, CheckpointEvery = 250, Seed = 4,
                })),
        new("smoke", "A seconds-long pipeline check: 1 layer, d_model 32, 20 steps.",
            new ToyRunConfig(
                Llama(nLayers: 1, dModel: 32, nHeads: 2, dMlp: 64),
                DefaultOptions(),
                new TrainingOptions
                {
                    Steps = 20, BatchSize = 8, Lr = 2e-3, Schedule = LrScheduleKind.Constant, WarmupSteps = 0,
                    EvalEvery = 10, CheckpointEvery = 10, Seed = 4,
                })),
    ];

    /// <inheritdoc />
    public IToyTaskData Bind(JsonObject options, int nCtx)
    {
        options ??= [];
        var reader = new TaskOptions(TaskName, options, "a_min", "a_max", "b_min", "b_max", "x_min", "x_max", "held_out", "eval_batch");
        var family = new IclLinearFamily(
            reader.Int("a_min", 0, 0, 1000), reader.Int("a_max", 5, 0, 1000),
            reader.Int("b_min", 0, 0, 100_000), reader.Int("b_max", 9, 0, 100_000),
            reader.Int("x_min", 0, 0, 1000), reader.Int("x_max", 19, 0, 1000),
            ReadHeldOut(options["held_out"]));
        return new IclLinearTaskData(family, nCtx, reader.Int("eval_batch", 128, 1, 100_000));
    }

    private static (int A, int B)[] ReadHeldOut(JsonNode? node)
    {
        if (node is null) return [];
        const string Shape = "Task option icl-linear.held_out must be an array of [a, b] integer pairs, e.g. [[4, 1], [3, 7]]";
        if (node is not JsonArray pairs) throw new ArgumentException($"{Shape}; got {node.ToJsonString()}.");
        var result = new List<(int, int)>();
        foreach (var pair in pairs)
        {
            if (pair is not JsonArray { Count: 2 } ab
                || ab[0] is not JsonNode a || a.GetValueKind() != JsonValueKind.Number || !a.AsValue().TryGetValue<int>(out var av)
                || ab[1] is not JsonNode b || b.GetValueKind() != JsonValueKind.Number || !b.AsValue().TryGetValue<int>(out var bv))
                throw new ArgumentException($"{Shape}; got {pair?.ToJsonString() ?? "null"}.");
            result.Add((av, bv));
        }

        return result.ToArray();
    }

    private static HookedTransformerConfig Llama(int nLayers, int dModel, int nHeads, int dMlp) => new()
    {
        NLayers = nLayers, DModel = dModel, NHeads = nHeads, DHead = dModel / nHeads, DMlp = dMlp,
        DVocab = IclLinearText.Vocabulary.Length, NCtx = 144, ActFn = "silu", NormalizationType = "RMS",
        PositionalEmbeddingType = "rotary", GatedMlp = true, UseBias = false, RotaryAdjacentPairs = true, Seed = 4,
    };
}
