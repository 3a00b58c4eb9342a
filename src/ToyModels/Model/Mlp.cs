using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// The MLP: <c>W_in</c> [d_model, d_mlp], <c>W_out</c> [d_mlp, d_model], and for gated MLPs
/// <c>W_gate</c> [d_model, d_mlp]. Hooks: hook_pre (the activation's input; for gated MLPs x·W_gate),
/// hook_pre_linear (gated only: x·W_in), hook_post. As in TransformerLens's GatedMLP, b_in is added after
/// the gate product: post = act(x·W_gate) * (x·W_in) + b_in.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    private readonly string _actFn;
    private readonly bool _gated;

    internal Mlp(HookedTransformerConfig cfg) : base("mlp")
    {
        _actFn = cfg.ActFn!;
        _gated = cfg.GatedMlp;
        register_parameter("W_in", Params.Weight(cfg.DModel, cfg.DMlp));
        if (_gated) register_parameter("W_gate", Params.Weight(cfg.DModel, cfg.DMlp));
        register_parameter("W_out", Params.Weight(cfg.DMlp, cfg.DModel));
        register_parameter("b_in", Params.Bias(cfg, cfg.DMlp));
        register_parameter("b_out", Params.Bias(cfg, cfg.DModel));
        hook_pre = new HookPoint("hook_pre");
        register_module("hook_pre", hook_pre);
        if (_gated)
        {
            hook_pre_linear = new HookPoint("hook_pre_linear");
            register_module("hook_pre_linear", hook_pre_linear);
        }
        hook_post = new HookPoint("hook_post");
        register_module("hook_post", hook_post);
    }

    /// <summary>Input weights [d_model, d_mlp] (the linear "up" branch for gated MLPs).</summary>
    public Parameter W_in => get_parameter("W_in")!;
    /// <summary>Gate weights [d_model, d_mlp] (gated MLPs only).</summary>
    public Parameter? W_gate => _gated ? get_parameter("W_gate")! : null;
    /// <summary>Output weights [d_mlp, d_model].</summary>
    public Parameter W_out => get_parameter("W_out")!;
    /// <summary>Input bias [d_mlp].</summary>
    public Parameter b_in => get_parameter("b_in")!;
    /// <summary>Output bias [d_model].</summary>
    public Parameter b_out => get_parameter("b_out")!;

    /// <summary>Pre-activation [batch, pos, d_mlp].</summary>
    public HookPoint hook_pre { get; }
    /// <summary>The linear branch of a gated MLP [batch, pos, d_mlp].</summary>
    public HookPoint? hook_pre_linear { get; }
    /// <summary>Post-activation [batch, pos, d_mlp].</summary>
    public HookPoint hook_post { get; }

    /// <summary>x [batch, pos, d_model] → [batch, pos, d_model].</summary>
    public override Tensor forward(Tensor x)
    {
        Tensor post;
        if (_gated)
        {
            var pre = hook_pre.forward(matmul(x, W_gate!)); // [batch, pos, d_mlp]
            var linear = hook_pre_linear!.forward(matmul(x, W_in)); // [batch, pos, d_mlp]
            post = hook_post.forward((ActivationFunctions.Apply(_actFn, pre) * linear).Plus(b_in)); // [batch, pos, d_mlp]
        }
        else
        {
            var pre = hook_pre.forward(matmul(x, W_in).Plus(b_in)); // [batch, pos, d_mlp]
            post = hook_post.forward(ActivationFunctions.Apply(_actFn, pre)); // [batch, pos, d_mlp]
        }
        return matmul(post, W_out).Plus(b_out); // [batch, pos, d_model]
    }
}
