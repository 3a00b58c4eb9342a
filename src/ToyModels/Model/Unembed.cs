using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>Unembedding: logits = x·W_U + b_U, with <c>W_U</c> [d_model, d_vocab_out] (or W_Eᵀ when tied).</summary>
public sealed class Unembed : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    private readonly Embed? _tiedTo;

    internal Unembed(HookedTransformerConfig cfg, Embed embed) : base("unembed")
    {
        if (cfg.TieEmbeddings) _tiedTo = embed;
        else register_parameter("W_U", Params.Weight(cfg.DModel, cfg.EffectiveDVocabOut));
        register_parameter("b_U", Params.Bias(cfg, cfg.EffectiveDVocabOut));
    }

    /// <summary>Whether W_U is W_Eᵀ rather than a parameter of its own.</summary>
    public bool Tied => _tiedTo is not null;

    /// <summary>Unembedding [d_model, d_vocab_out]; for tied models a view of W_Eᵀ.</summary>
    public Tensor W_U => _tiedTo is null ? get_parameter("W_U")! : _tiedTo.W_E.t();

    /// <summary>Output bias [d_vocab_out].</summary>
    public Parameter b_U => get_parameter("b_U")!;

    /// <summary>x [batch, pos, d_model] → logits [batch, pos, d_vocab_out].</summary>
    public override Tensor forward(Tensor x) => matmul(x, W_U).Plus(b_U);
}
