using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// Causal multi-head attention with TransformerLens's weights (<c>W_Q</c>, <c>W_K</c>, <c>W_V</c>
/// [n_heads, d_model, d_head], <c>W_O</c> [n_heads, d_head, d_model]) and hooks (q, k, v, rot_q, rot_k,
/// attn_scores, pattern, z). Masked scores are −inf, as in TransformerLens.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    private static readonly Scalar NegativeInfinity = double.NegativeInfinity;
    private readonly Scalar _invScale;
    private readonly Rotary? _rotary;

    internal Attention(HookedTransformerConfig cfg) : base("attn")
    {
        var (h, m, d) = ((long)cfg.NHeads, (long)cfg.DModel, (long)cfg.DHead);
        _invScale = (1.0 / Math.Sqrt(cfg.DHead)).ToScalar();
        register_parameter("W_Q", Params.Weight(h, m, d));
        register_parameter("W_K", Params.Weight(h, m, d));
        register_parameter("W_V", Params.Weight(h, m, d));
        register_parameter("W_O", Params.Weight(h, d, m));
        register_parameter("b_Q", Params.Bias(cfg, h, d));
        register_parameter("b_K", Params.Bias(cfg, h, d));
        register_parameter("b_V", Params.Bias(cfg, h, d));
        register_parameter("b_O", Params.Bias(cfg, m));
        if (cfg.Pos == PosKind.Rotary) _rotary = new Rotary(cfg);
        hook_q = Hook("hook_q");
        hook_k = Hook("hook_k");
        hook_v = Hook("hook_v");
        if (_rotary is not null)
        {
            hook_rot_q = Hook("hook_rot_q");
            hook_rot_k = Hook("hook_rot_k");
        }
        hook_attn_scores = Hook("hook_attn_scores");
        hook_pattern = Hook("hook_pattern");
        hook_z = Hook("hook_z");
    }

    /// <summary>Query weights [n_heads, d_model, d_head].</summary>
    public Parameter W_Q => get_parameter("W_Q")!;
    /// <summary>Key weights [n_heads, d_model, d_head].</summary>
    public Parameter W_K => get_parameter("W_K")!;
    /// <summary>Value weights [n_heads, d_model, d_head].</summary>
    public Parameter W_V => get_parameter("W_V")!;
    /// <summary>Output weights [n_heads, d_head, d_model].</summary>
    public Parameter W_O => get_parameter("W_O")!;
    /// <summary>Query bias [n_heads, d_head].</summary>
    public Parameter b_Q => get_parameter("b_Q")!;
    /// <summary>Key bias [n_heads, d_head].</summary>
    public Parameter b_K => get_parameter("b_K")!;
    /// <summary>Value bias [n_heads, d_head].</summary>
    public Parameter b_V => get_parameter("b_V")!;
    /// <summary>Output bias [d_model].</summary>
    public Parameter b_O => get_parameter("b_O")!;

    /// <summary>Queries [batch, pos, head_index, d_head].</summary>
    public HookPoint hook_q { get; }
    /// <summary>Keys [batch, pos, head_index, d_head].</summary>
    public HookPoint hook_k { get; }
    /// <summary>Values [batch, pos, head_index, d_head].</summary>
    public HookPoint hook_v { get; }
    /// <summary>Rotated queries (rotary models only).</summary>
    public HookPoint? hook_rot_q { get; }
    /// <summary>Rotated keys (rotary models only).</summary>
    public HookPoint? hook_rot_k { get; }
    /// <summary>Masked, scaled scores [batch, head_index, query_pos, key_pos].</summary>
    public HookPoint hook_attn_scores { get; }
    /// <summary>Attention pattern [batch, head_index, query_pos, key_pos].</summary>
    public HookPoint hook_pattern { get; }
    /// <summary>Mixed values [batch, pos, head_index, d_head].</summary>
    public HookPoint hook_z { get; }

    /// <summary>x [batch, pos, d_model] (already normalized) → attention output [batch, pos, d_model].</summary>
    public override Tensor forward(Tensor x)
    {
        var q = hook_q.forward(einsum("bpm,hmd->bphd", x, W_Q).Plus(b_Q)); // [batch, pos, head_index, d_head]
        var k = hook_k.forward(einsum("bpm,hmd->bphd", x, W_K).Plus(b_K)); // [batch, pos, head_index, d_head]
        var v = hook_v.forward(einsum("bpm,hmd->bphd", x, W_V).Plus(b_V)); // [batch, pos, head_index, d_head]
        if (_rotary is not null)
        {
            q = hook_rot_q!.forward(_rotary.Apply(q));
            k = hook_rot_k!.forward(_rotary.Apply(k));
        }
        var scores = einsum("bqhd,bkhd->bhqk", q, k) * _invScale; // [batch, head_index, query_pos, key_pos]
        var (qLen, kLen) = (scores.shape[2], scores.shape[3]);
        using (var future = ones([qLen, kLen], ScalarType.Bool, scores.device).triu(kLen - qLen + 1)) // [query_pos, key_pos]
            scores = hook_attn_scores.forward(scores.masked_fill(future, NegativeInfinity));
        var pattern = hook_pattern.forward(scores.softmax(-1)); // [batch, head_index, query_pos, key_pos]
        var z = hook_z.forward(einsum("bkhd,bhqk->bqhd", v, pattern)); // [batch, pos, head_index, d_head]
        return einsum("bqhd,hdm->bqm", z, W_O).Plus(b_O); // [batch, pos, d_model]
    }

    /// <summary>Per-head outputs z·W_O [batch, pos, head_index, d_model] (TransformerLens's hook_result, without b_O).</summary>
    public Tensor HeadResults(Tensor z) => einsum("bqhd,hdm->bqhm", z, W_O);

    private HookPoint Hook(string name)
    {
        var hook = new HookPoint(name);
        register_module(name, hook);
        return hook;
    }
}
