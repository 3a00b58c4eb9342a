using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// LayerNorm, LNPre, RMSNorm or RMSPre, with TransformerLens's hooks: <c>hook_scale</c> [batch, pos, 1]
/// and <c>hook_normalized</c> (after w and b for LN, as TransformerLens; before w for RMS).
/// </summary>
public sealed class Normalization : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    private readonly NormKind _kind;
    private readonly Scalar _eps; // a field, not an implicit temporary (see DEVELOPERS.md)

    internal Normalization(string name, HookedTransformerConfig cfg) : base(name)
    {
        _kind = cfg.Norm;
        _eps = cfg.Eps.ToScalar();
        if (_kind is NormKind.LN or NormKind.RMS) register_parameter("w", Params.Ones(cfg.DModel));
        if (_kind == NormKind.LN) register_parameter("b", Params.Bias(cfg, cfg.DModel));
        hook_scale = new HookPoint("hook_scale");
        hook_normalized = new HookPoint("hook_normalized");
        register_module("hook_scale", hook_scale);
        register_module("hook_normalized", hook_normalized);
    }

    /// <summary>Gain [d_model] (LN and RMS only).</summary>
    public Parameter? w => _kind is NormKind.LN or NormKind.RMS ? get_parameter("w")! : null;

    /// <summary>Bias [d_model] (LN only).</summary>
    public Parameter? b => _kind == NormKind.LN ? get_parameter("b")! : null;

    /// <summary>The norm's scale, sqrt(mean(x²) + eps) after centering for LN: [batch, pos, 1].</summary>
    public HookPoint hook_scale { get; }

    /// <summary>The normalized output.</summary>
    public HookPoint hook_normalized { get; }

    /// <summary>Whether this norm centers (LN, LNPre) rather than only rescales (RMS).</summary>
    internal bool Centers => _kind is NormKind.LN or NormKind.LNPre;

    /// <summary>x [batch, pos, d_model] → [batch, pos, d_model].</summary>
    public override Tensor forward(Tensor x)
    {
        if (Centers) x = x - x.mean([-1], keepdim: true); // [batch, pos, d_model]
        var scale = hook_scale.forward(x.Squared().mean([-1], keepdim: true).Plus(_eps).sqrt()); // [batch, pos, 1]
        x = x / scale; // [batch, pos, d_model]
        return _kind switch
        {
            NormKind.LN => hook_normalized.forward((x * w!).Plus(b!)),
            NormKind.RMS => hook_normalized.forward(x) * w!,
            _ => hook_normalized.forward(x),
        };
    }
}
