namespace Probing.Bayes;

/// <summary>The ideal in-context learner's performance, one entry per example.</summary>
/// <param name="PCorrect">Entry i: the probability, before seeing example i, that y_i is the answer to x_i.</param>
/// <param name="SurprisalBits">Entry i: −log₂ PCorrect[i].</param>
public sealed record IdealLearnerCurve(double[] PCorrect, double[] SurprisalBits);
