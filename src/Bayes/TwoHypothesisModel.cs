namespace Probing.Bayes;

/// <summary>
/// The two-hypothesis update model of seed 004. A is "the answer follows the rule", B is "it does not".
/// After each example the learner updates θ_{i+1} = θ_i c / (θ_i c + (1 − θ_i)(1 − c)), where c is the
/// sensitivity (the likelihood of the observation under A; 1 − c under B). In log-odds this is a straight
/// line: logit θ_i = logit θ₀ + i · logit c, so c &gt; 0.5 learns A, c &lt; 0.5 unlearns it, c = 0.5 stays.
/// </summary>
public static class TwoHypothesisModel
{
    /// <summary>Simulates the learner for <paramref name="steps"/> examples.</summary>
    /// <param name="theta0">θ₀ in (0, 1): the prior probability of A before the first example.</param>
    /// <param name="c">The sensitivity c in (0, 1).</param>
    /// <param name="steps">The number of examples (≥ 1); entry i of the curve is the state before example i.</param>
    /// <exception cref="ArgumentException">θ₀ or c is outside (0, 1), or steps &lt; 1.</exception>
    public static TwoHypothesisCurve Simulate(double theta0, double c, int steps)
    {
        Validate(theta0, c);
        if (steps < 1) throw new ArgumentException($"the number of steps must be at least 1 (got {steps}).");
        var probability = new double[steps];
        var surprisal = new double[steps];
        // Iterating in log-odds keeps θ exact when it is within 1e-16 of 1, where the ratio form rounds to 1.
        var logOdds = SpecialFunctions.Logit(theta0);
        var step = SpecialFunctions.Logit(c);
        for (var i = 0; i < steps; i++)
        {
            probability[i] = SpecialFunctions.Logistic(logOdds);
            surprisal[i] = LogOnePlusExp(-logOdds); // −ln σ(z) = ln(1 + e^{−z})
            logOdds += step;
        }

        return new TwoHypothesisCurve(probability, surprisal);
    }

    /// <summary>One update step: θ c / (θ c + (1 − θ)(1 − c)).</summary>
    public static double Update(double theta, double c)
    {
        Validate(theta, c);
        return theta * c / (theta * c + (1.0 - theta) * (1.0 - c));
    }

    /// <summary>θ_i in closed form: σ(logit θ₀ + i · logit c).</summary>
    public static double ProbabilityAt(double theta0, double c, int i) =>
        SpecialFunctions.Logistic(SpecialFunctions.Logit(theta0) + i * SpecialFunctions.Logit(c));

    internal static double LogOnePlusExp(double z) => z > 0 ? z + Math.Log(1.0 + Math.Exp(-z)) : Math.Log(1.0 + Math.Exp(z));

    private static void Validate(double theta0, double c)
    {
        if (!(theta0 > 0.0 && theta0 < 1.0))
            throw new ArgumentException($"θ₀ must lie strictly between 0 and 1 (got {theta0}).");
        if (!(c > 0.0 && c < 1.0))
            throw new ArgumentException($"the sensitivity c must lie strictly between 0 and 1 (got {c}).");
    }
}
