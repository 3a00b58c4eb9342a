using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

public sealed partial class HookedTransformer
{
    /// <summary>Token embedding [d_vocab, d_model].</summary>
    public Tensor W_E => embed.W_E;
    /// <summary>Positional embedding [n_ctx, d_model] (standard and fixed positions only).</summary>
    public Tensor? W_pos => pos_embed?.W_pos;
    /// <summary>Unembedding [d_model, d_vocab_out].</summary>
    public Tensor W_U => unembed.W_U;
    /// <summary>Unembedding bias [d_vocab_out].</summary>
    public Tensor b_U => unembed.b_U;

    /// <summary>Queries of every layer, stacked: [n_layers, n_heads, d_model, d_head].</summary>
    public Tensor W_Q => StackBlocks(b => b.attn.W_Q);
    /// <summary>Keys: [n_layers, n_heads, d_model, d_head].</summary>
    public Tensor W_K => StackBlocks(b => b.attn.W_K);
    /// <summary>Values: [n_layers, n_heads, d_model, d_head].</summary>
    public Tensor W_V => StackBlocks(b => b.attn.W_V);
    /// <summary>Outputs: [n_layers, n_heads, d_head, d_model].</summary>
    public Tensor W_O => StackBlocks(b => b.attn.W_O);
    /// <summary>Query biases: [n_layers, n_heads, d_head].</summary>
    public Tensor b_Q => StackBlocks(b => b.attn.b_Q);
    /// <summary>Key biases: [n_layers, n_heads, d_head].</summary>
    public Tensor b_K => StackBlocks(b => b.attn.b_K);
    /// <summary>Value biases: [n_layers, n_heads, d_head].</summary>
    public Tensor b_V => StackBlocks(b => b.attn.b_V);
    /// <summary>Attention output biases: [n_layers, d_model].</summary>
    public Tensor b_O => StackBlocks(b => b.attn.b_O);
    /// <summary>MLP input weights: [n_layers, d_model, d_mlp].</summary>
    public Tensor W_in => StackBlocks(b => RequireMlp(b).W_in);
    /// <summary>MLP gate weights (gated MLPs): [n_layers, d_model, d_mlp].</summary>
    public Tensor W_gate => StackBlocks(b => RequireMlp(b).W_gate ?? throw new ArgumentException("W_gate exists only for gated_mlp models."));
    /// <summary>MLP output weights: [n_layers, d_mlp, d_model].</summary>
    public Tensor W_out => StackBlocks(b => RequireMlp(b).W_out);
    /// <summary>MLP input biases: [n_layers, d_mlp].</summary>
    public Tensor b_in => StackBlocks(b => RequireMlp(b).b_in);
    /// <summary>MLP output biases: [n_layers, d_model].</summary>
    public Tensor b_out => StackBlocks(b => RequireMlp(b).b_out);

    /// <summary>QK matrices W_Q·W_Kᵀ of one layer: [n_heads, d_model, d_model] (query side first).</summary>
    public Tensor QK(int layer) => Circuit(() => matmul(Block(layer).attn.W_Q, Block(layer).attn.W_K.transpose(1, 2)));

    /// <summary>OV matrices W_V·W_O of one layer: [n_heads, d_model, d_model].</summary>
    public Tensor OV(int layer) => Circuit(() => matmul(Block(layer).attn.W_V, Block(layer).attn.W_O));

    /// <summary>Token QK circuit W_E·W_Q·W_Kᵀ·W_Eᵀ: [n_heads, d_vocab (query), d_vocab (key)]. Norms are
    /// not included: fold them first (<see cref="FoldLayerNorm"/>) for normalized models.</summary>
    public Tensor QKCircuit(int layer) => Circuit(() => matmul(matmul(W_E.detach(), QK(layer)), W_E.detach().t()));

    /// <summary>Positional QK circuit W_pos·W_Q·W_Kᵀ·W_posᵀ: [n_heads, n_ctx (query), n_ctx (key)].</summary>
    public Tensor PositionalQKCircuit(int layer)
    {
        var wPos = W_pos ?? throw new ArgumentException("the positional QK circuit needs a standard or fixed positional embedding (W_pos).");
        return Circuit(() => matmul(matmul(wPos.detach(), QK(layer)), wPos.detach().t()));
    }

    /// <summary>Full OV circuit W_E·W_V·W_O·W_U: [n_heads, d_vocab (source), d_vocab_out (logit)].</summary>
    public Tensor OVCircuit(int layer) => Circuit(() => matmul(matmul(W_E.detach(), OV(layer)), W_U.detach()));

    /// <summary>The residual direction W_U[:, token] − W_U[:, incorrectToken] (or just the first): [d_model].</summary>
    public Tensor LogitDirection(long token, long? incorrectToken = null)
    {
        var vocab = Config.EffectiveDVocabOut;
        foreach (var t in new[] { token, incorrectToken ?? 0 })
            if (t < 0 || t >= vocab) throw new ArgumentException($"token {t} is outside 0..{vocab - 1}.");
        using var scope = NewDisposeScope();
        var wU = W_U.detach(); // [d_model, d_vocab_out]
        var direction = wU.select(1, token);
        if (incorrectToken is { } other) direction = direction - wU.select(1, other);
        return direction.clone().MoveToOuterDisposeScope(); // [d_model]
    }

    private TransformerBlock Block(int layer) => layer >= 0 && layer < _blocks.Count
        ? _blocks[layer]
        : throw new ArgumentException($"layer {layer} is outside 0..{_blocks.Count - 1}.");

    private static Mlp RequireMlp(TransformerBlock b) => b.mlp ?? throw new ArgumentException("this attn-only model has no MLP weights.");

    private Tensor StackBlocks(Func<TransformerBlock, Tensor> pick)
    {
        using var scope = NewDisposeScope();
        return stack(_blocks.Select(pick).ToArray(), 0).MoveToOuterDisposeScope();
    }

    private static Tensor Circuit(Func<Tensor> product)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return product().MoveToOuterDisposeScope();
    }
}
