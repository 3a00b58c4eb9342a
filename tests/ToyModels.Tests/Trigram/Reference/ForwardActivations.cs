using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;

namespace Probing.ToyModels.Tests.Trigram.Reference;

/// <summary>Activations of <see cref="OneLayerForward.Run"/>, row-major, TransformerLens meanings.</summary>
/// <param name="Batch">Sequences.</param>
/// <param name="SeqLen">Positions per sequence.</param>
/// <param name="Logits">[batch, pos, d_vocab].</param>
/// <param name="Pattern"><c>blocks.0.attn.hook_pattern</c> of the single head, [batch, query, key].</param>
/// <param name="ResidPre"><c>blocks.0.hook_resid_pre</c> (embedding + positional embedding), [batch, pos, d_model].</param>
/// <param name="AttnOut"><c>blocks.0.hook_attn_out</c>, [batch, pos, d_model].</param>
/// <param name="MlpOut"><c>blocks.0.hook_mlp_out</c>, [batch, pos, d_model] (zeros when there is no MLP).</param>
internal sealed record ForwardActivations(int Batch, int SeqLen, float[] Logits, float[] Pattern, float[] ResidPre, float[] AttnOut, float[] MlpOut);
