using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Probing.ToyModels.Model;

public sealed partial record HookedTransformerConfig
{
    /// <summary>TransformerLens's name for <see cref="InitRange"/>, accepted when reading (never written).</summary>
    [JsonPropertyName("initializer_range")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? InitializerRange
    {
        get => null;
        init
        {
            if (value is { } v) InitRange = v;
        }
    }

    /// <summary>
    /// The config as keyword arguments for TransformerLens's <c>HookedTransformerConfig(**cfg)</c>: only
    /// fields TransformerLens knows, <c>init_range</c> written as <c>initializer_range</c>, "fixed" positions
    /// as "standard" (W_pos is in the state dict; only its frozenness is lost), and
    /// <c>default_prepend_bos</c> false because the toy tasks use no BOS token. Tied embeddings,
    /// <c>final_norm</c> false and <c>positional_embedding_type</c> none have no TransformerLens equivalent
    /// and throw <see cref="NotSupportedException"/>.
    /// </summary>
    public string ToTransformerLensJson()
    {
        var pos = Pos;
        if (pos == PosKind.None) throw new NotSupportedException("TransformerLens has no positional_embedding_type none; use fixed with zeros instead.");
        if (Norm != NormKind.None && !FinalNorm) throw new NotSupportedException("TransformerLens always applies ln_final when normalization is on; final_norm false cannot be expressed.");
        if (TieEmbeddings) throw new NotSupportedException("TransformerLens has no tied embeddings; save unembed.W_U = W_Eᵀ and load it untied.");
        var o = new JsonObject
        {
            ["n_layers"] = NLayers,
            ["d_model"] = DModel,
            ["d_head"] = DHead,
            ["n_heads"] = NHeads,
            ["d_mlp"] = AttnOnly ? null : DMlp,
            ["d_vocab"] = DVocab,
            ["d_vocab_out"] = EffectiveDVocabOut,
            ["n_ctx"] = NCtx,
            ["act_fn"] = AttnOnly ? null : ActFn,
            ["normalization_type"] = Norm switch { NormKind.LN => "LN", NormKind.LNPre => "LNPre", NormKind.RMS => "RMS", NormKind.RMSPre => "RMSPre", _ => null },
            ["positional_embedding_type"] = pos == PosKind.Rotary ? "rotary" : "standard",
            ["attn_only"] = AttnOnly,
            ["gated_mlp"] = GatedMlp,
            ["seed"] = Seed,
            ["initializer_range"] = EffectiveInitRange,
            ["eps"] = Eps,
            ["default_prepend_bos"] = false,
        };
        if (pos == PosKind.Rotary)
        {
            o["rotary_dim"] = EffectiveRotaryDim;
            o["rotary_base"] = RotaryBase;
            o["rotary_adjacent_pairs"] = RotaryAdjacentPairs;
        }
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
