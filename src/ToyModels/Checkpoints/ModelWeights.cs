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
    /// <summary>
    /// The model's state dict as a safetensors document (F32, parameter order). A tied model also gets
    /// <c>unembed.W_U</c> = W_Eᵀ, as TransformerLens expects.
    /// </summary>
    public static SafeTensorsDocument ToDocument(HookedTransformer model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.StateDict(includeTiedUnembed: true))
            tensors[name] = SafeTensorsTorch.ToEntry(tensor.to(ScalarType.Float32));
        return new SafeTensorsDocument(tensors, metadata ?? new Dictionary<string, string>());
    }

    /// <summary>Writes the model's weights to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, HookedTransformer model, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsFile.Write(path, ToDocument(model, metadata));

    /// <summary>
    /// Copies the weights of <paramref name="document"/> into <paramref name="model"/>. Every parameter
    /// must be present with its exact shape; TransformerLens's buffers (mask, IGNORE, rotary tables) are
    /// skipped; floating-point files of any precision are converted to the model's dtype.
    /// </summary>
    /// <exception cref="InvalidDataException">A tensor is missing, unexpected, of the wrong shape or not floating point.</exception>
    public static void Load(HookedTransformer model, SafeTensorsDocument document, string source = "weights")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(document);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, entry) in document.Tensors)
        {
            var isBuffer = name.EndsWith(".mask", StringComparison.Ordinal) || name.EndsWith(".IGNORE", StringComparison.Ordinal)
                || name.EndsWith(".rotary_sin", StringComparison.Ordinal) || name.EndsWith(".rotary_cos", StringComparison.Ordinal);
            if (isBuffer) continue;
            if (entry.DType is not ("F32" or "F64" or "F16" or "BF16"))
                throw new InvalidDataException($"{source}: tensor '{name}' has dtype {entry.DType}; weights must be floating point.");
            tensors[name] = SafeTensorsTorch.ToTensor(entry);
        }

        try
        {
            model.LoadWeights(tensors, strict: true);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}");
        }
    }

    /// <summary>Reads <paramref name="path"/> and copies its weights into <paramref name="model"/>.</summary>
    public static void Load(HookedTransformer model, string path) => Load(model, SafeTensorsFile.Read(path), path);
}
