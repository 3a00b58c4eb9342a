using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

public sealed partial class ActivationCache
{
    /// <summary>
    /// The residual stream accumulated up to <paramref name="layer"/> (TransformerLens's accumulated_resid,
    /// the logit lens): resid_pre of layers 0..layer (plus resid_mid when <paramref name="inclMid"/>, and the
    /// layer's resid_mid when <paramref name="mlpInput"/>), and "final_post" when layer is n_layers
    /// (null or -1). Returns [components, batch, pos, d_model], or [components, batch, d_model] when
    /// <paramref name="pos"/> picks one position (negative counts from the end), with labels such as "0_pre".
    /// <paramref name="applyLn"/> centers (LN) and divides by the cached scale of the norm that reads it.
    /// </summary>
    public (Tensor Stack, string[] Labels) AccumulatedResid(int? layer = null, bool inclMid = false, bool applyLn = false, int? pos = null, bool mlpInput = false)
    {
        var n = Model.Config.NLayers;
        var last = ResolveLayer(layer);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        var labels = new List<string>();
        for (var l = 0; l <= last; l++)
        {
            if (l == n)
            {
                parts.Add(SlicePos(this[$"blocks.{n - 1}.hook_resid_post"], pos));
                labels.Add("final_post");
                continue;
            }
            parts.Add(SlicePos(this[$"blocks.{l}.hook_resid_pre"], pos));
            labels.Add($"{l}_pre");
            if (!Model.Config.AttnOnly && ((inclMid && l < last) || (mlpInput && l == last)))
            {
                parts.Add(SlicePos(this[$"blocks.{l}.hook_resid_mid"], pos));
                labels.Add($"{l}_mid");
            }
        }
        var stack = torch.stack(parts, 0); // [components, batch, (pos,) d_model]
        if (applyLn) stack = ApplyLnToStack(stack, last, mlpInput, pos);
        return (stack.MoveToOuterDisposeScope(), [.. labels]);
    }

    /// <summary>
    /// The residual stream at <paramref name="layer"/> split into what wrote it (TransformerLens's
    /// decompose_resid): "embed", "pos_embed", then "{l}_attn_out" and "{l}_mlp_out" for l &lt; layer (and the
    /// layer's attention output when <paramref name="mlpInput"/>). <paramref name="mode"/> is all, attn or mlp.
    /// The components sum to the residual they decompose.
    /// </summary>
    public (Tensor Stack, string[] Labels) DecomposeResid(int? layer = null, bool mlpInput = false, string mode = "all", bool applyLn = false, int? pos = null, bool inclEmbeds = true)
    {
        if (mode is not ("all" or "attn" or "mlp")) throw new ArgumentException($"mode '{mode}' is not supported; use all, attn or mlp.");
        var last = ResolveLayer(layer);
        var (inclAttn, inclMlp) = (mode != "mlp", mode != "attn" && !Model.Config.AttnOnly);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        var labels = new List<string>();
        void Add(string name, string label)
        {
            parts.Add(SlicePos(this[name], pos));
            labels.Add(label);
        }
        if (inclEmbeds)
        {
            Add("hook_embed", "embed");
            if (Model.hook_pos_embed is not null) Add("hook_pos_embed", "pos_embed");
        }
        for (var l = 0; l < last; l++)
        {
            if (inclAttn) Add($"blocks.{l}.hook_attn_out", $"{l}_attn_out");
            if (inclMlp) Add($"blocks.{l}.hook_mlp_out", $"{l}_mlp_out");
        }
        if (mlpInput && inclAttn && last < Model.Config.NLayers) Add($"blocks.{last}.hook_attn_out", $"{last}_attn_out");
        if (parts.Count == 0) throw new ArgumentException("DecomposeResid has no components to return; include embeddings or pick a later layer.");
        var stack = torch.stack(parts, 0); // [components, batch, (pos,) d_model]
        if (applyLn) stack = ApplyLnToStack(stack, last, mlpInput, pos);
        return (stack.MoveToOuterDisposeScope(), [.. labels]);
    }

    /// <summary>
    /// Each head's contribution z·W_O to the residual stream for heads in layers before
    /// <paramref name="layer"/> (all when null or -1), labelled "L{l}H{h}" (TransformerLens's
    /// stack_head_results). <paramref name="inclRemainder"/> appends the residual minus the heads' sum.
    /// </summary>
    public (Tensor Stack, string[] Labels) StackHeadResults(int? layer = null, int? pos = null, bool applyLn = false, bool inclRemainder = false)
    {
        var last = ResolveLayer(layer);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        var labels = new List<string>();
        for (var l = 0; l < last; l++)
        {
            var z = SlicePos(this[$"blocks.{l}.attn.hook_z"], pos); // [batch, (pos,) head_index, d_head]
            var perHead = pos is null
                ? einsum("bphd,hdm->hbpm", z, Model.blocks[l].attn.W_O.detach()) // [head_index, batch, pos, d_model]
                : einsum("bhd,hdm->hbm", z, Model.blocks[l].attn.W_O.detach()); // [head_index, batch, d_model]
            parts.Add(perHead);
            for (var h = 0; h < Model.Config.NHeads; h++) labels.Add($"L{l}H{h}");
        }
        if (parts.Count == 0) throw new ArgumentException("StackHeadResults needs layer ≥ 1: no heads come before layer 0.");
        var stack = cat(parts, 0); // [components, batch, (pos,) d_model]
        if (inclRemainder)
        {
            var resid = last == Model.Config.NLayers
                ? this[$"blocks.{last - 1}.hook_resid_post"]
                : this[$"blocks.{last}.hook_resid_pre"];
            stack = cat([stack, (SlicePos(resid, pos) - stack.sum([0])).unsqueeze(0)], 0);
            labels.Add("remainder");
        }
        if (applyLn) stack = ApplyLnToStack(stack, last, false, pos);
        return (stack.MoveToOuterDisposeScope(), [.. labels]);
    }

    /// <summary>
    /// Applies the norm that reads the residual at <paramref name="layer"/> (ln_final for n_layers or null,
    /// else ln1, or ln2 when <paramref name="mlpInput"/>) to every component of a stack: center (LN, LNPre)
    /// and divide by that norm's cached scale, as TransformerLens does (weights are not applied: fold them
    /// with <see cref="HookedTransformer.FoldLayerNorm"/>). Without normalization the stack is returned as is.
    /// </summary>
    public Tensor ApplyLnToStack(Tensor residualStack, int? layer = null, bool mlpInput = false, int? pos = null)
    {
        var norm = Model.Config.Norm;
        if (norm == NormKind.None) return residualStack.alias();
        var l = ResolveLayer(layer);
        var scaleName = l == Model.Config.NLayers ? "ln_final.hook_scale" : $"blocks.{l}.ln{(mlpInput ? 2 : 1)}.hook_scale";
        if (!ContainsKey(scaleName))
            throw new ArgumentException($"'{scaleName}' is not cached{(l == Model.Config.NLayers && !Model.Config.HasFinalNorm ? " (this model has no final norm)" : "")}; cache it to apply the norm.");
        using var scope = NewDisposeScope();
        var stack = norm is NormKind.LN or NormKind.LNPre ? residualStack - residualStack.mean([-1], keepdim: true) : residualStack;
        return (stack / SlicePos(this[scaleName], pos)).MoveToOuterDisposeScope(); // [components, batch, (pos,) d_model]
    }

    /// <summary>
    /// Each component's contribution to a logit direction (TransformerLens's logit_attrs): the stack goes
    /// through <see cref="ApplyLnToStack"/> at the final norm, then is dotted with
    /// <paramref name="direction"/> (e.g. [d_model], or [batch, 1, d_model] for a direction per prompt).
    /// Returns [components, batch, (pos)].
    /// </summary>
    public Tensor LogitAttrs(Tensor residualStack, Tensor direction, int? pos = null)
    {
        using var scope = NewDisposeScope();
        var scaled = ApplyLnToStack(residualStack, Model.Config.NLayers, false, pos);
        return (scaled * direction).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Logit attribution to one token, or to the logit difference <c>token − incorrectToken</c>.</summary>
    public Tensor LogitAttrs(Tensor residualStack, long token, long? incorrectToken = null, int? pos = null)
    {
        using var scope = NewDisposeScope();
        var direction = Model.LogitDirection(token, incorrectToken);
        return LogitAttrs(residualStack, direction, pos).MoveToOuterDisposeScope();
    }

    private int ResolveLayer(int? layer)
    {
        var n = Model.Config.NLayers;
        var l = layer is null or -1 ? n : layer.Value;
        if (l < 0 || l > n) throw new ArgumentException($"layer {layer} is outside 0..{n} (n_layers; -1 or null means {n}).");
        return l;
    }

    private static Tensor SlicePos(Tensor t, int? pos)
    {
        // Activations are [batch, pos, ...]: select one position (negative counts from the end).
        if (pos is null) return t;
        var len = t.shape[1];
        var p = pos.Value < 0 ? len + pos.Value : pos.Value;
        if (p < 0 || p >= len) throw new ArgumentException($"position {pos} is outside the sequence (length {len}).");
        return t.select(1, p);
    }
}
