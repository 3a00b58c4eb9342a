using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// An identity module that names an activation (TransformerLens's HookPoint). Hooks attached to it can
/// read the activation or replace it (return a tensor) on its way through.
/// </summary>
public sealed class HookPoint : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    private readonly List<Func<Tensor, string, Tensor?>> _hooks = [];

    /// <summary>Creates a hook point; its <see cref="Name"/> becomes the full dotted path once the model is built.</summary>
    public HookPoint(string localName) : base(localName) => Name = localName;

    /// <summary>The full TransformerLens name, e.g. <c>blocks.0.attn.hook_pattern</c>.</summary>
    public string Name { get; internal set; }

    /// <summary>Number of hooks attached now.</summary>
    public int HookCount => _hooks.Count;

    /// <summary>Attaches a hook; disposing the returned handle removes it.</summary>
    public IDisposable AddHook(Func<Tensor, string, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _hooks.Add(hook);
        return new Removal(this, hook);
    }

    /// <summary>Removes every hook.</summary>
    public void RemoveHooks() => _hooks.Clear();

    /// <summary>Runs the hooks in the order they were added; a non-null result replaces the activation.</summary>
    public override Tensor forward(Tensor x)
    {
        if (_hooks.Count == 0) return x;
        foreach (var hook in _hooks.ToArray())
        {
            var replaced = hook(x, Name);
            if (replaced is not null) x = replaced;
        }
        return x;
    }

    private sealed class Removal(HookPoint owner, Func<Tensor, string, Tensor?> hook) : IDisposable
    {
        public void Dispose() => owner._hooks.Remove(hook);
    }
}
