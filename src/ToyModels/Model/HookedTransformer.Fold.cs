using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

public sealed partial class HookedTransformer
{
    /// <summary>
    /// A copy of this model with every norm's gain and bias folded into the weights that read it
    /// (TransformerLens's fold_ln with centering of the reading weights): LN becomes LNPre and RMS becomes
    /// RMSPre, and the logits stay the same. The folded model is what circuits and
    /// <see cref="ActivationCache.ApplyLnToStack"/> assume. Models without gains are copied as they are.
    /// </summary>
    public HookedTransformer FoldLayerNorm()
    {
        var norm = Config.Norm;
        var folded = Config with
        {
            NormalizationType = norm switch { NormKind.LN => "LNPre", NormKind.RMS => "RMSPre", _ => Config.NormalizationType },
        };
        var weights = StateDict().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        var originals = weights.Values.ToList();
        void Replace(string key, Tensor value)
        {
            weights[key] = value;
            replaced.Add(key);
        }
        try
        {
            if (norm is NormKind.LN or NormKind.RMS)
            {
                if (Config.TieEmbeddings && Config.HasFinalNorm)
                    throw new NotSupportedException("FoldLayerNorm cannot fold ln_final into tied embeddings (W_U is W_Eᵀ); untie them (tie_embeddings false) first.");
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var centre = norm == NormKind.LN;
                for (var l = 0; l < Config.NLayers; l++)
                {
                    var p = $"blocks.{l}";
                    var (w1, b1) = TakeNorm(weights, $"{p}.ln1");
                    foreach (var x in new[] { "Q", "K", "V" })
                    {
                        var wx = weights[$"{p}.attn.W_{x}"]; // [n_heads, d_model, d_head]
                        if (b1 is not null) Replace($"{p}.attn.b_{x}", weights[$"{p}.attn.b_{x}"].Plus(einsum("m,hmd->hd", b1, wx)));
                        var scaled = wx * w1.view(1, -1, 1); // [n_heads, d_model, d_head]
                        Replace($"{p}.attn.W_{x}", centre ? scaled - scaled.mean([1], keepdim: true) : scaled);
                    }
                    if (Config.AttnOnly) continue;
                    var (w2, b2) = TakeNorm(weights, $"{p}.ln2");
                    if (Config.GatedMlp && b2 is not null && b2.abs().max().item<float>() > 0)
                        throw new NotSupportedException("FoldLayerNorm cannot fold an LN bias into a gated MLP (x·W_gate has no bias); use RMS or zero ln2.b.");
                    var inputs = Config.GatedMlp ? new[] { "W_in", "W_gate" } : ["W_in"];
                    if (b2 is not null && !Config.GatedMlp)
                        Replace($"{p}.mlp.b_in", weights[$"{p}.mlp.b_in"].Plus(matmul(b2, weights[$"{p}.mlp.W_in"])));
                    foreach (var name in inputs)
                    {
                        var scaled = weights[$"{p}.mlp.{name}"] * w2.view(-1, 1); // [d_model, d_mlp]
                        Replace($"{p}.mlp.{name}", centre ? scaled - scaled.mean([0], keepdim: true) : scaled);
                    }
                }
                if (Config.HasFinalNorm)
                {
                    var (wf, bf) = TakeNorm(weights, "ln_final");
                    var wU = weights["unembed.W_U"]; // [d_model, d_vocab_out]
                    if (bf is not null) Replace("unembed.b_U", weights["unembed.b_U"].Plus(matmul(bf, wU)));
                    var scaled = wU * wf.view(-1, 1);
                    Replace("unembed.W_U", centre ? scaled - scaled.mean([0], keepdim: true) : scaled);
                }
                foreach (var k in replaced) weights[k].MoveToOuterDisposeScope();
            }
            var model = new HookedTransformer(folded);
            model.LoadWeights(weights);
            return model;
        }
        finally
        {
            // Tensor.Equals compares values, so deduplicate by reference.
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
            foreach (var t in weights.Values.Concat(originals))
                if (seen.Add(t)) t.Dispose();
        }
    }

    private static (Tensor W, Tensor? B) TakeNorm(Dictionary<string, Tensor> weights, string prefix)
    {
        weights.Remove($"{prefix}.w", out var w);
        weights.Remove($"{prefix}.b", out var b);
        return (w!, b);
    }
}
