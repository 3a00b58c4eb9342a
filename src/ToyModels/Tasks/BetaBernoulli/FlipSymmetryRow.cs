namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Flip asymmetry a(s) = P(1 | s) + P(1 | flip(s)) − 1 over all 2^N prefixes of one length N.</summary>
/// <param name="N">Flips seen.</param>
/// <param name="Sequences">2^N.</param>
/// <param name="MeanAsymmetry">Mean of a(s) (the Bayes predictor with α = β gives 0).</param>
/// <param name="MeanAbsAsymmetry">Mean of |a(s)|.</param>
/// <param name="MaxAbsAsymmetry">Max of |a(s)|.</param>
public sealed record FlipSymmetryRow(int N, long Sequences, double MeanAsymmetry, double MeanAbsAsymmetry, double MaxAbsAsymmetry);
