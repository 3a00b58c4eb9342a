namespace Probing.Bayes;

/// <summary>The simulated two-hypothesis learner, one entry per example.</summary>
/// <param name="ProbabilityA">θ_i: P(A) before example i, so entry 0 is θ₀.</param>
/// <param name="SurprisalNats">−ln θ_i: the surprisal of example i's correct answer, in nats.</param>
public sealed record TwoHypothesisCurve(double[] ProbabilityA, double[] SurprisalNats);
