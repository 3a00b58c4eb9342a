using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// Absolute positional embedding: <c>W_pos</c> [n_ctx, d_model], learned ("standard") or frozen ("fixed").
/// </summary>
public sealed class PosEmbed : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Creates the positional embedding; a fixed one is filled and frozen here.</summary>
    public PosEmbed(HookedTransformerConfig cfg) : base("pos_embed")
    {
        var fixedEmbedding = cfg.Pos == PosKind.Fixed;
        register_parameter("W_pos", new Parameter(fixedEmbedding ? FixedValues(cfg).to(Params.BuildDtype ?? ScalarType.Float32) : zeros([cfg.NCtx, cfg.DModel], dtype: Params.BuildDtype), requires_grad: !fixedEmbedding));
    }

    /// <summary>The positional embedding matrix [n_ctx, d_model].</summary>
    public Parameter W_pos => get_parameter("W_pos")!;

    /// <summary>tokens [batch, pos] → [batch, pos, d_model] (the first pos rows of W_pos, broadcast over the batch).</summary>
    public override Tensor forward(Tensor tokens)
    {
        var (batch, pos) = (tokens.shape[0], tokens.shape[1]);
        return W_pos.narrow(0, 0, pos).unsqueeze(0).expand(batch, pos, W_pos.shape[1]); // [batch, pos, d_model]
    }

    /// <summary>"log": W_pos[p, d_model−1] = ln(p+1), zeros elsewhere (a log-shaped position signal, seed 000); "zeros": all zero.</summary>
    internal static Tensor FixedValues(HookedTransformerConfig cfg)
    {
        var values = new float[cfg.NCtx * cfg.DModel];
        if (cfg.FixedPosEmbed == "log")
            for (var p = 0; p < cfg.NCtx; p++) values[p * cfg.DModel + cfg.DModel - 1] = (float)Math.Log(p + 1);
        return tensor(values, [cfg.NCtx, cfg.DModel]);
    }
}
