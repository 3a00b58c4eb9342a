using System.Text.Json.Nodes;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Analysis;

/// <summary>Finds the task options a checkpoint was trained with: run.json when present, else the task's default preset.</summary>
public static class CheckpointTaskOptions
{
    /// <summary>The <c>task</c> object of the run config of <paramref name="checkpoint"/> for <paramref name="task"/>.</summary>
    public static JsonObject Read(string checkpoint, IToyTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return ToyCheckpoint.Open(checkpoint, task.Name).Config.Task;
    }

    /// <summary>Markdown header lines: the checkpoint, its model config, and where it came from.</summary>
    public static List<string> Header(string checkpoint, Model.HookedTransformerConfig config, string data) =>
    [
        $"- checkpoint: `{Path.GetFullPath(checkpoint)}` ({ToyCheckpoint.ModelFile})",
        $"- model: n_layers {config.NLayers}, n_heads {config.NHeads}, d_model {config.DModel}, d_head {config.DHead}, d_mlp {(config.AttnOnly ? 0 : config.DMlp)}, " +
        $"n_ctx {config.NCtx}, d_vocab {config.DVocab}, act_fn {config.ActFn}, normalization_type {config.NormalizationType ?? "None"}, " +
        $"positional_embedding_type {config.PositionalEmbeddingType}{(config.PositionalEmbeddingType == "fixed" ? $" ({config.FixedPosEmbed})" : "")}",
        $"- data: {data}",
        $"- generated: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `probe toy analyze`",
    ];
}
