namespace Probing.Bayes;

/// <summary>One sequence drawn from an <see cref="NRecurrenceSpec"/>, with its latent path.</summary>
/// <param name="Tokens">x_0 … x_{L−1}.</param>
/// <param name="N">n_j, the period of the rule that generated x_j.</param>
/// <param name="Target">t_j, the target token of the rule that generated x_j.</param>
/// <param name="IsTarget">Whether position j is a target position (φ_j = 0).</param>
/// <param name="IsFake">Whether position j is a target position that emitted a fake target.</param>
/// <param name="TransitionAfter">Whether the rule changed after position j.</param>
public sealed record NRecurrenceSample(int[] Tokens, int[] N, int[] Target, bool[] IsTarget, bool[] IsFake, bool[] TransitionAfter);
