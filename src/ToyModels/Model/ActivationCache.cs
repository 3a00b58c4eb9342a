using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// The activations of one forward pass by hook name, in forward order (TransformerLens's
/// ActivationCache), with the residual-stream analyses researchers reach for: the logit lens
/// (<see cref="AccumulatedResid"/>), <see cref="DecomposeResid"/>, <see cref="StackHeadResults"/>,
/// <see cref="ApplyLnToStack"/> and <see cref="LogitAttrs(Tensor, Tensor, int?)"/>. Owns its tensors: dispose it.
/// </summary>
public sealed partial class ActivationCache : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    internal ActivationCache(HookedTransformer model, IEnumerable<KeyValuePair<string, Tensor>> activations)
    {
        Model = model;
        foreach (var (name, t) in activations)
        {
            if (_tensors.Remove(name, out var old))
            {
                old.Dispose(); // a hook that fires twice keeps its last value, as in TransformerLens
                _order.Remove(name);
            }
            _tensors[name] = t;
            _order.Add(name);
        }
    }

    /// <summary>The model that produced the activations (its weights are used by the analyses).</summary>
    public HookedTransformer Model { get; }

    /// <summary>The activation named <paramref name="name"/>; throws a one-line ArgumentException when it was not cached.</summary>
    public Tensor this[string name] => _tensors.TryGetValue(name, out var t)
        ? t
        : throw new ArgumentException($"activation '{name}' is not in the cache; run RunWithCache without a names filter that excludes it (hook names: 'probe toy hooks').");

    /// <summary>Cached names in forward order.</summary>
    public IEnumerable<string> Keys => _order;

    /// <summary>Cached tensors in forward order.</summary>
    public IEnumerable<Tensor> Values => _order.Select(n => _tensors[n]);

    /// <summary>Number of cached activations.</summary>
    public int Count => _order.Count;

    /// <summary>Whether an activation was cached.</summary>
    public bool ContainsKey(string key) => _tensors.ContainsKey(key);

    /// <summary>Looks an activation up without throwing.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value) => _tensors.TryGetValue(key, out value);

    /// <summary>Enumerates (name, tensor) in forward order.</summary>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() =>
        _order.Select(n => new KeyValuePair<string, Tensor>(n, _tensors[n])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Frees every cached tensor.</summary>
    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
        _order.Clear();
    }
}
