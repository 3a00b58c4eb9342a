using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

public sealed partial class HookedTransformer
{
    /// <summary>
    /// Logits [batch, pos, d_vocab_out] for tokens [batch, pos]. Intermediates are freed; the logits
    /// belong to the caller's dispose scope (or to the caller, outside any scope).
    /// </summary>
    public Tensor Run(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        return forward(tokens).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs with hooks attached for this call only: each hook gets (activation, hook name) and returns
    /// null to leave the activation alone or a tensor to replace it. Hooks are removed afterwards, even
    /// when the forward pass throws. Unlike <see cref="Run"/>, this opens no dispose scope of its own:
    /// every tensor made during the call, including those a hook keeps, belongs to the caller's scope.
    /// </summary>
    public Tensor RunWithHooks(Tensor tokens, params (string Name, Func<Tensor, string, Tensor?> Hook)[] hooks)
    {
        using var attached = Attach(hooks);
        return forward(tokens);
    }

    /// <summary>
    /// Runs without gradients and caches every activation whose name passes <paramref name="namesFilter"/>
    /// (all when null), detached, in forward order. Optional <paramref name="hooks"/> run first, so the
    /// cache sees patched values. Dispose the cache to free its tensors.
    /// </summary>
    public (Tensor Logits, ActivationCache Cache) RunWithCache(
        Tensor tokens,
        Func<string, bool>? namesFilter = null,
        params (string Name, Func<Tensor, string, Tensor?> Hook)[] hooks)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var attached = Attach(hooks);
        var cached = new List<KeyValuePair<string, Tensor>>();
        var caching = new List<IDisposable>();
        try
        {
            foreach (var (name, point) in _hookPoints)
                if (namesFilter?.Invoke(name) ?? true)
                    caching.Add(point.AddHook((t, n) =>
                    {
                        cached.Add(new(n, t.detach()));
                        return null;
                    }));
            var logits = forward(tokens).MoveToOuterDisposeScope();
            foreach (var (_, t) in cached) t.MoveToOuterDisposeScope();
            return (logits, new ActivationCache(this, cached));
        }
        finally
        {
            foreach (var c in caching) c.Dispose();
        }
    }

    /// <summary>Removes every hook from every hook point (TransformerLens's reset_hooks).</summary>
    public void ResetHooks()
    {
        foreach (var point in _hookPoints.Values) point.RemoveHooks();
    }

    private HookSet Attach((string Name, Func<Tensor, string, Tensor?> Hook)[] hooks)
    {
        var set = new HookSet();
        try
        {
            foreach (var (name, hook) in hooks ?? [])
            {
                if (!_hookPoints.TryGetValue(name, out var point))
                    throw new ArgumentException($"no hook point named '{name}' in this model; its HookNames lists them.");
                set.Add(point.AddHook(hook));
            }
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>Handles to remove together.</summary>
    private sealed class HookSet : IDisposable
    {
        private readonly List<IDisposable> _handles = [];

        public void Add(IDisposable handle) => _handles.Add(handle);

        public void Dispose()
        {
            foreach (var h in _handles) h.Dispose();
            _handles.Clear();
        }
    }
}
