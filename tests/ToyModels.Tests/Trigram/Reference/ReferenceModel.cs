using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Trigram.Reference;

/// <summary>Builds a <see cref="HookedTransformer"/> holding hand-made <see cref="OneLayerWeights"/>.</summary>
internal static class ReferenceModel
{
    /// <summary>A 1-layer, 1-head, norm-free model with <paramref name="w"/>'s weights, in <paramref name="dtype"/>.</summary>
    public static HookedTransformer ToHookedTransformer(OneLayerWeights w, ScalarType dtype = ScalarType.Float64)
    {
        var cfg = new HookedTransformerConfig
        {
            NLayers = 1, NHeads = 1, DModel = w.DModel, DHead = w.DHead, DMlp = w.HasMlp ? w.DMlp : 0, DVocab = w.DVocab, NCtx = w.NCtx,
            ActFn = w.ActFn, NormalizationType = null, AttnOnly = !w.HasMlp, Seed = 1,
        };
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["embed.W_E"] = w.WE, ["pos_embed.W_pos"] = w.WPos,
            ["blocks.0.attn.W_Q"] = w.WQ, ["blocks.0.attn.b_Q"] = w.BQ, ["blocks.0.attn.W_K"] = w.WK, ["blocks.0.attn.b_K"] = w.BK,
            ["blocks.0.attn.W_V"] = w.WV, ["blocks.0.attn.b_V"] = w.BV, ["blocks.0.attn.W_O"] = w.WO, ["blocks.0.attn.b_O"] = w.BO,
            ["blocks.0.mlp.W_in"] = w.WIn, ["blocks.0.mlp.b_in"] = w.BIn, ["blocks.0.mlp.W_out"] = w.WOut, ["blocks.0.mlp.b_out"] = w.BOut,
            ["unembed.W_U"] = w.WU, ["unembed.b_U"] = w.BU,
        };
        var model = new HookedTransformer(cfg);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var (name, p) in model.named_parameters())
            {
                if (!values.TryGetValue(name, out var v)) throw new InvalidOperationException($"no hand-made value for {name}");
                p.copy_(tensor(v, p.shape));
            }
        }
        using (model)
        {
            var copy = model.CloneAs(dtype);
            copy.eval();
            return copy;
        }
    }
}
