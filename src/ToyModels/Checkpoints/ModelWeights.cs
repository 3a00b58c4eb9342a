using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Checkpoints;

/// <summary>
/// A model's weights as safetensors, keyed by TransformerLens state-dict names (<c>embed.W_E</c>,
/// <c>blocks.0.attn.W_Q</c> [n_heads, d_model, d_head], …), F32 little-endian, so that Python can do
/// <c>model.load_state_dict(safetensors.torch.load_file(path), strict=False)</c>.
/// </summary>
public static class ModelWeights
{
    // Buffers TransformerLens keeps in its state dict that this model computes instead; a file
    // written by Python may carry them and they are skipped on load.
    private static readonly string[] IgnoredSuffixes = [".attn.mask", ".attn.IGNORE", ".attn.rotary_sin", ".attn.rotary_cos"];

    /// <summary>The model's state dict as a safetensors document (F32 copies, TransformerLens key order).</summary>
    public static SafeTensorsDocument ToDocument(HookedTransformer model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.state_dict())
        {
            using var scope = NewDisposeScope();
            tensors[name] = SafeTensorsTorch.ToEntry(tensor.to(ScalarType.Float32));
        }

        return new SafeTensorsDocument(tensors, metadata ?? new Dictionary<string, string>());
    }

    /// <summary>Writes the model's weights to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, HookedTransformer model, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsFile.Write(path, ToDocument(model, metadata));

    /// <summary>
    /// Copies the weights of <paramref name="document"/> into <paramref name="model"/>. Every model
    /// tensor must be present with its exact shape; floating-point files of any precision are
    /// converted to the model's dtype.
    /// </summary>
    /// <exception cref="InvalidDataException">A tensor is missing, unexpected or of the wrong shape.</exception>
    public static void Load(HookedTransformer model, SafeTensorsDocument document, string source = "weights")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(document);
        var state = model.state_dict();
        foreach (var name in document.Tensors.Keys)
        {
            if (!state.ContainsKey(name) && !IgnoredSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)))
                throw new InvalidDataException($"{source}: tensor '{name}' does not belong to this model's config; use the config.json saved with these weights.");
        }

        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            if (!document.Tensors.TryGetValue(name, out var entry))
                throw new InvalidDataException($"{source}: tensor '{name}' is missing; the file does not match the model config (or is damaged).");
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}] but the config needs [{string.Join(", ", target.shape)}].");
            using var scope = NewDisposeScope();
            var values = SafeTensorsTorch.ToTensor(entry);
            if (!values.is_floating_point())
                throw new InvalidDataException($"{source}: tensor '{name}' has integer dtype {entry.DType}; weights must be floating point.");
            target.copy_(values.to(target.dtype, target.device));
        }
    }

    /// <summary>Reads <paramref name="path"/> and copies its weights into <paramref name="model"/>.</summary>
    public static void Load(HookedTransformer model, string path) => Load(model, SafeTensorsFile.Read(path), path);
}
