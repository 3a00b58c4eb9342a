using Probing.ToyModels.Model;
using static TorchSharp.torch;

using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;

namespace Probing.ToyModels.Tests.Trigram.Reference;

/// <summary>Reads a <see cref="HookedTransformer"/>'s weights into <see cref="OneLayerWeights"/> for the analyses.</summary>
internal static class OneLayerWeightsOf
{
    /// <summary>Copies the weights of a 1-layer, 1-head, LayerNorm-free model with standard positions.</summary>
    /// <exception cref="NotSupportedException">The model has another shape.</exception>
    public static OneLayerWeights From(HookedTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        if (c.NLayers != 1 || c.NHeads != 1)
            throw new NotSupportedException($"The trigram analyses need 1 layer and 1 head (got n_layers {c.NLayers}, n_heads {c.NHeads}).");
        if (c.NormalizationType is not null && !string.Equals(c.NormalizationType, "None", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"The trigram analyses need normalization_type None (got {c.NormalizationType}); the ARENA model has no LayerNorm.");
        if (c.PositionalEmbeddingType != "standard")
            throw new NotSupportedException($"The trigram analyses need learned (standard) positional embeddings (got {c.PositionalEmbeddingType}).");
        if (c.GatedMlp) throw new NotSupportedException("The trigram analyses do not support gated MLPs.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mlp = !c.AttnOnly && c.DMlp > 0;
        var dHead = c.DHead;
        float[] F(Tensor t) => t.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        float[] Head(Tensor stacked) => F(stacked[0][0]); // [n_layers, n_heads, …] → layer 0, head 0
        var bias = c.UseBias;
        float[] Bias(Func<Tensor> get, int n) => bias ? F(get()) : new float[n];
        return new OneLayerWeights(
            c.DVocab, c.NCtx, c.DModel, dHead, mlp ? c.DMlp : 0, c.ActFn ?? "relu",
            F(model.W_E), F(model.W_pos ?? throw new NotSupportedException("The model has no W_pos.")),
            Head(model.W_Q), bias ? Head(model.b_Q) : new float[dHead],
            Head(model.W_K), bias ? Head(model.b_K) : new float[dHead],
            Head(model.W_V), bias ? Head(model.b_V) : new float[dHead],
            Head(model.W_O), Bias(() => model.b_O[0], c.DModel),
            mlp ? F(model.W_in[0]) : [], mlp ? Bias(() => model.b_in[0], c.DMlp) : [],
            mlp ? F(model.W_out[0]) : [], mlp ? Bias(() => model.b_out[0], c.DModel) : [],
            F(model.W_U), Bias(() => model.b_U, c.DVocab));
    }
}
