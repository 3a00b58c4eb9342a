namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>One (N, H) cell of the permutation-invariance analysis, over all C(N, H) orderings.</summary>
/// <param name="N">Flips seen.</param>
/// <param name="H">Heads seen (0 &lt; H &lt; N, so orderings differ).</param>
/// <param name="Orderings">C(N, H).</param>
/// <param name="PredictionSpread">max − min of the model's P(1) over the orderings.</param>
/// <param name="PredictionStd">Standard deviation of P(1) over the orderings.</param>
/// <param name="CurrentTokenEffect">mean P(1 | current token = 1) − mean P(1 | current token = 0).</param>
/// <param name="MeanCosine">Mean pairwise cosine similarity of the residual over all orderings.</param>
/// <param name="CosineSameCurrent">Mean pairwise cosine between orderings that end with the same token.</param>
/// <param name="CosineDifferentCurrent">Mean cosine between orderings that end with different tokens.</param>
/// <param name="CurrentTokenVarianceShare">Share of the residual's variance across orderings explained by the current token (η²).</param>
public sealed record PermutationRow(int N, int H, int Orderings, double PredictionSpread, double PredictionStd, double CurrentTokenEffect,
    double MeanCosine, double CosineSameCurrent, double CosineDifferentCurrent, double CurrentTokenVarianceShare);
