namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>One component of a mixture of Beta priors: drawn with probability <paramref name="Weight"/>, then p ~ Beta(α, β).</summary>
/// <param name="Weight">Non-negative mixture weight; weights are normalised over the components.</param>
/// <param name="Alpha">α &gt; 0.</param>
/// <param name="Beta">β &gt; 0.</param>
public sealed record BetaMixtureComponent(double Weight, double Alpha, double Beta);
