namespace Probing.ToyModels.Analysis;

/// <summary>The output of <see cref="IHookedSequenceModel.Run"/>.</summary>
/// <param name="Logits">Logits, <c>[batch, seqLen, d_vocab]</c> row-major.</param>
/// <param name="Activations">Per hook name, the activation <c>[batch, seqLen, width]</c> row-major.</param>
public sealed record HookedRun(float[] Logits, IReadOnlyDictionary<string, HookActivation> Activations);
