using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;
using Probing.Runs;

namespace Probing.ToyModels.Training;

/// <summary>
/// Starting weights for a new run taken from another run's checkpoint (<c>--init-from</c>): fine-tuning, e.g. a model
/// trained on deterministic n-recurrence continued on stochastic data. Only the weights travel; the optimizer, the
/// schedule and the step counter start fresh.
/// </summary>
public static class InitialWeights
{
    /// <summary>Copies the weights of the checkpoint in <paramref name="checkpoint"/> into <paramref name="model"/>.</summary>
    /// <returns>The path of the weights file that was loaded.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">It has no model.safetensors.</exception>
    /// <exception cref="InvalidDataException">The weights do not fit the model's config.</exception>
    public static string Load(HookedTransformer model, string checkpoint)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!Directory.Exists(checkpoint))
            throw new DirectoryNotFoundException($"InitFrom: checkpoint directory '{checkpoint}' does not exist; pass the output folder of a training run.").Naming("InitFrom");
        var path = Path.Combine(checkpoint, ToyCheckpoint.ModelFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"InitFrom: {checkpoint} has no {ToyCheckpoint.ModelFile}; the run has not written a checkpoint yet.", path).Naming("InitFrom");
        try
        {
            ModelWeights.Load(model, path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"InitFrom: {ex.Message} The checkpoint's model config must match this run's (d_model, n_layers, n_heads, d_head, d_mlp, d_vocab, n_ctx, attn_only, normalization).").Naming("InitFrom");
        }

        return path;
    }
}
