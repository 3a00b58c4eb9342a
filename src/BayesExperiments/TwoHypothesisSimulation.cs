using Probing.Bayes;

namespace Probing.BayesExperiments;

/// <summary>The two-hypothesis learner of seed 004 simulated for a number of examples: the curve and its cumulative surprisal.</summary>
/// <param name="Theta0">Prior probability θ₀ that the rule holds, before the first example.</param>
/// <param name="C">Sensitivity c: the likelihood of each example under "the rule holds" (1 − c under "it does not").</param>
/// <param name="Curve">P(A) before each example k = 1 … steps, and its surprisal in nats.</param>
/// <param name="CumulativeNats">Total surprisal up to and including each example (nats).</param>
public sealed record TwoHypothesisSimulation(double Theta0, double C, TwoHypothesisCurve Curve, double[] CumulativeNats)
{
    /// <summary>Number of simulated examples.</summary>
    public int Steps => Curve.ProbabilityA.Length;

    /// <summary>Simulates the learner (<see cref="TwoHypothesisModel.Simulate"/>) for <paramref name="steps"/> examples.</summary>
    /// <exception cref="ArgumentException">θ₀ or c outside (0, 1), or steps below 1 (from <see cref="TwoHypothesisModel"/>).</exception>
    public static TwoHypothesisSimulation Run(double theta0, double c, int steps)
    {
        var curve = TwoHypothesisModel.Simulate(theta0, c, steps);
        return new TwoHypothesisSimulation(theta0, c, curve, Surprisal.Cumulative(curve.SurprisalNats));
    }
}
