namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// A named model-and-training setup for the trigram task, with TransformerLens config names in the docs.
/// </summary>
/// <param name="Name">Preset name (<c>arena</c>, <c>attn-only</c>).</param>
/// <param name="NLayers"><c>n_layers</c>.</param>
/// <param name="DModel"><c>d_model</c>.</param>
/// <param name="NHeads"><c>n_heads</c>.</param>
/// <param name="DHead"><c>d_head</c>.</param>
/// <param name="DMlp"><c>d_mlp</c>; ignored when <paramref name="AttnOnly"/>.</param>
/// <param name="AttnOnly"><c>attn_only</c>: no MLP.</param>
/// <param name="ActFn"><c>act_fn</c>.</param>
/// <param name="NormalizationType"><c>normalization_type</c>: null for none (ARENA: None, so no final LayerNorm).</param>
/// <param name="Lr">Peak AdamW learning rate, decayed linearly to <paramref name="FinalLrFraction"/>·lr.</param>
/// <param name="WeightDecay">AdamW weight decay.</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="BatchSize">Sequences per step.</param>
/// <param name="FinalLrFraction">Learning rate at the last step as a fraction of the peak.</param>
/// <param name="EvalEvery">Steps between evaluations on the 2,500-sequence batch.</param>
/// <param name="Seed">Model-initialisation and training-stream seed.</param>
/// <param name="DatasetSeed">Seed of the trigram set.</param>
public sealed record TrigramPreset(
    string Name,
    int NLayers,
    int DModel,
    int NHeads,
    int DHead,
    int DMlp,
    bool AttnOnly,
    string ActFn,
    string? NormalizationType,
    double Lr,
    double WeightDecay,
    int Steps,
    int BatchSize,
    double FinalLrFraction,
    int EvalEvery,
    int Seed,
    int DatasetSeed)
{
    /// <summary><c>d_vocab</c> (ARENA: 75).</summary>
    public int DVocab { get; init; } = TrigramDataset.DefaultDVocab;

    /// <summary><c>n_ctx</c>, the sequence length (ARENA: 50).</summary>
    public int NCtx { get; init; } = TrigramDataset.DefaultSeqLen;

    /// <summary>Probability that a prefix starts a trigram (ARENA: 0.05).</summary>
    public double TrigramProb { get; init; } = TrigramDataset.DefaultTrigramProb;
}
