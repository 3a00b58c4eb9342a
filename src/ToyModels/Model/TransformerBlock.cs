using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// One block: resid_pre → ln1 → attn → resid_mid → ln2 → mlp → resid_post (attention-only blocks skip
/// the second half), with TransformerLens's hooks on every stage.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    internal TransformerBlock(HookedTransformerConfig cfg, int layer) : base($"blocks.{layer}")
    {
        hook_resid_pre = Hook("hook_resid_pre");
        if (cfg.Norm != NormKind.None)
        {
            ln1 = new Normalization("ln1", cfg);
            register_module("ln1", ln1);
        }
        attn = new Attention(cfg);
        register_module("attn", attn);
        hook_attn_out = Hook("hook_attn_out");
        if (!cfg.AttnOnly)
        {
            hook_resid_mid = Hook("hook_resid_mid");
            if (cfg.Norm != NormKind.None)
            {
                ln2 = new Normalization("ln2", cfg);
                register_module("ln2", ln2);
            }
            mlp = new Mlp(cfg);
            register_module("mlp", mlp);
            hook_mlp_out = Hook("hook_mlp_out");
        }
        hook_resid_post = Hook("hook_resid_post");
    }

    /// <summary>The norm before attention (absent when normalization_type is none).</summary>
    public Normalization? ln1 { get; }
    /// <summary>The attention layer.</summary>
    public Attention attn { get; }
    /// <summary>The norm before the MLP (absent for attn-only or unnormalized models).</summary>
    public Normalization? ln2 { get; }
    /// <summary>The MLP (absent for attn-only models).</summary>
    public Mlp? mlp { get; }
    /// <summary>Residual stream entering the block [batch, pos, d_model].</summary>
    public HookPoint hook_resid_pre { get; }
    /// <summary>Attention output [batch, pos, d_model].</summary>
    public HookPoint hook_attn_out { get; }
    /// <summary>Residual between attention and MLP [batch, pos, d_model] (not in attn-only models).</summary>
    public HookPoint? hook_resid_mid { get; }
    /// <summary>MLP output [batch, pos, d_model] (not in attn-only models).</summary>
    public HookPoint? hook_mlp_out { get; }
    /// <summary>Residual stream leaving the block [batch, pos, d_model].</summary>
    public HookPoint hook_resid_post { get; }

    /// <summary>resid_pre [batch, pos, d_model] → resid_post [batch, pos, d_model].</summary>
    public override Tensor forward(Tensor residPre)
    {
        residPre = hook_resid_pre.forward(residPre);
        var attnIn = ln1 is null ? residPre : ln1.forward(residPre); // [batch, pos, d_model]
        var attnOut = hook_attn_out.forward(attn.forward(attnIn)); // [batch, pos, d_model]
        if (mlp is null) return hook_resid_post.forward(residPre.Plus(attnOut));
        var residMid = hook_resid_mid!.forward(residPre.Plus(attnOut)); // [batch, pos, d_model]
        var mlpIn = ln2 is null ? residMid : ln2.forward(residMid); // [batch, pos, d_model]
        var mlpOut = hook_mlp_out!.forward(mlp.forward(mlpIn)); // [batch, pos, d_model]
        return hook_resid_post.forward(residMid.Plus(mlpOut)); // [batch, pos, d_model]
    }

    private HookPoint Hook(string name)
    {
        var hook = new HookPoint(name);
        register_module(name, hook);
        return hook;
    }
}
