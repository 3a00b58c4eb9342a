using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

public sealed partial class HookedTransformer
{
    // TransformerLens keeps these as buffers in its state dict; they carry no learned values.
    private static readonly string[] TransformerLensBufferSuffixes = [".mask", ".IGNORE", ".rotary_sin", ".rotary_cos"];

    /// <summary>
    /// The parameters by TransformerLens state-dict name (<c>embed.W_E</c>, <c>blocks.0.attn.W_Q</c>,
    /// <c>blocks.0.ln1.w</c>, <c>unembed.W_U</c> …), detached and cloned, in parameter order. Tied models
    /// have no <c>unembed.W_U</c> of their own; pass <paramref name="includeTiedUnembed"/> to add W_Eᵀ under
    /// that name, as TransformerLens expects.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict(bool includeTiedUnembed = false)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var result = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, param) in named_parameters())
            result.Add(new(name, param.detach().clone().MoveToOuterDisposeScope()));
        if (includeTiedUnembed && unembed.Tied)
            result.Add(new("unembed.W_U", W_U.detach().contiguous().clone().MoveToOuterDisposeScope()));
        return result;
    }

    /// <summary>
    /// Copies weights by TransformerLens name into this model. Shapes must match; with
    /// <paramref name="strict"/>, every parameter must be present and no unknown key may appear
    /// (TransformerLens's mask/IGNORE/rotary buffers and a tied model's unembed.W_U are ignored).
    /// Throws <see cref="InvalidDataException"/> naming the first offending key.
    /// </summary>
    public void LoadWeights(IReadOnlyDictionary<string, Tensor> weights, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, param) in named_parameters())
        {
            known.Add(name);
            if (!weights.TryGetValue(name, out var value))
            {
                if (strict) throw new InvalidDataException($"weights lack '{name}' (shape [{string.Join(", ", param.shape)}]); the file does not match this config.");
                continue;
            }
            if (!value.shape.SequenceEqual(param.shape))
                throw new InvalidDataException($"weight '{name}' has shape [{string.Join(", ", value.shape)}] but the config needs [{string.Join(", ", param.shape)}].");
            param.copy_(value.to(param.dtype).to(param.device));
        }
        if (!strict) return;
        foreach (var key in weights.Keys)
        {
            if (known.Contains(key) || TransformerLensBufferSuffixes.Any(s => key.EndsWith(s, StringComparison.Ordinal))) continue;
            if (key == "unembed.W_U" && unembed.Tied) continue;
            throw new InvalidDataException($"weights have an unknown key '{key}'; the file does not match this config.");
        }
    }
}
