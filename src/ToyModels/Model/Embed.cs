using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>Token embedding: <c>W_E</c> [d_vocab, d_model].</summary>
public sealed class Embed : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Creates the embedding for a config.</summary>
    public Embed(HookedTransformerConfig cfg) : base("embed")
    {
        register_parameter("W_E", Params.Weight(cfg.DVocab, cfg.DModel));
    }

    /// <summary>The embedding matrix [d_vocab, d_model].</summary>
    public Parameter W_E => get_parameter("W_E")!; // looked up, so it follows .to(device)

    /// <summary>tokens [batch, pos] (int64) → [batch, pos, d_model].</summary>
    public override Tensor forward(Tensor tokens)
    {
        var flat = W_E.index_select(0, tokens.reshape(-1)); // [batch*pos, d_model]
        return flat.view(tokens.shape[0], tokens.shape[1], W_E.shape[1]); // [batch, pos, d_model]
    }
}
