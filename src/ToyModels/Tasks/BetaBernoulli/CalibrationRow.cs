namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>One (N, H) cell of the calibration analysis.</summary>
/// <param name="N">Flips seen.</param>
/// <param name="H">Heads seen.</param>
/// <param name="Orderings">Number of orderings (prefixes) with these counts: C(N, H).</param>
/// <param name="Weight">P(H | N) under the data distribution.</param>
/// <param name="BayesP">The Bayes-optimal P(next = 1).</param>
/// <param name="ModelMeanP">The model's P(next = 1) averaged over the orderings.</param>
/// <param name="ModelMinP">Its minimum over the orderings.</param>
/// <param name="ModelMaxP">Its maximum over the orderings.</param>
public sealed record CalibrationRow(int N, int H, long Orderings, double Weight, double BayesP, double ModelMeanP, double ModelMinP, double ModelMaxP);
