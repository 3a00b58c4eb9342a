using Probing.ToyModels.Analysis;
using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// ARENA's November 2024 trigram problem as a <c>probe toy</c> task (<c>--task trigram</c>). Options:
/// <c>d_vocab</c> (75), <c>trigram_prob</c> (0.05), <c>dataset_seed</c> (40, draws the trigram set),
/// <c>eval_size</c> (2,500) and <c>eval_seed</c> (40).
/// </summary>
public sealed class TrigramTask : IToyTask
{
    /// <summary>The task's name.</summary>
    public const string TaskName = "trigram";

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public string Description => "ARENA Nov 2024: uniform tokens, except that after the prefix (X, Y) of a fixed trigram its Z is forced.";

    /// <inheritdoc />
    public IReadOnlyList<ToyPreset> Presets { get; } = TrigramPresets.All.Select(ToToyPreset).ToArray();

    /// <inheritdoc />
    public IToyAnalysis? Analysis { get; } = new Probing.ToyModels.Tasks.Trigram.Analysis.TrigramToyAnalysis();

    /// <inheritdoc />
    public IToyTaskData Bind(JsonObject options, int nCtx)
    {
        var reader = new TaskOptions(Name, options, "d_vocab", "trigram_prob", "dataset_seed", "eval_size", "eval_seed");
        var dataset = new TrigramDataset(
            reader.Int("d_vocab", TrigramDataset.DefaultDVocab, 2, 100_000), nCtx,
            reader.Double("trigram_prob", TrigramDataset.DefaultTrigramProb, 0, 1),
            reader.Int("dataset_seed", TrigramDataset.DefaultEvalSeed));
        return new TrigramTaskData(dataset, reader.Int("eval_size", TrigramDataset.DefaultEvalSize, 1, 1_000_000), reader.Int("eval_seed", TrigramDataset.DefaultEvalSeed));
    }

    /// <summary>The dataset a run config describes (the same set training used).</summary>
    public static TrigramDataset DatasetOf(ToyRunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ((TrigramTaskData)new TrigramTask().Bind(config.Task, config.Model.NCtx)).Dataset;
    }

    /// <summary>The model config of a preset (TransformerLens names; no LayerNorm anywhere when normalization_type is None).</summary>
    public static HookedTransformerConfig ModelConfig(TrigramPreset p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new HookedTransformerConfig
        {
            NLayers = p.NLayers, DModel = p.DModel, NHeads = p.NHeads, DHead = p.DHead, DMlp = p.AttnOnly ? 0 : p.DMlp,
            DVocab = p.DVocab, NCtx = p.NCtx, ActFn = p.ActFn, NormalizationType = p.NormalizationType,
            PositionalEmbeddingType = "standard", AttnOnly = p.AttnOnly, Seed = p.Seed,
        };
    }

    private static ToyPreset ToToyPreset(TrigramPreset p) => new(
        p.Name,
        p.AttnOnly
            ? $"Worklog's attention-only variant: 1 layer, 1 head, d_model {p.DModel}, d_head {p.DHead}, no MLP, no LayerNorm."
            : $"ARENA's model: 1 layer, 1 head, d_model {p.DModel}, d_head {p.DHead}, d_mlp {p.DMlp}, no LayerNorm; AdamW + linear decay.",
        new ToyRunConfig(
            ModelConfig(p),
            new JsonObject { ["d_vocab"] = p.DVocab, ["trigram_prob"] = p.TrigramProb, ["dataset_seed"] = p.DatasetSeed },
            new TrainingOptions
            {
                Steps = p.Steps, BatchSize = p.BatchSize, Lr = p.Lr, Schedule = LrScheduleKind.Linear, WarmupSteps = 0,
                FinalLrFraction = p.FinalLrFraction, WeightDecay = p.WeightDecay, GradClip = 1.0,
                EvalEvery = p.EvalEvery, CheckpointEvery = p.EvalEvery * 4, Seed = p.Seed,
            }));
}
