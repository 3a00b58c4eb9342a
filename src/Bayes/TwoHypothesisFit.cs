namespace Probing.Bayes;

/// <summary>The maximum-likelihood fit of the two-hypothesis model to an observed P(correct) series.</summary>
/// <param name="Theta0">Estimated θ₀, the prior probability of the rule.</param>
/// <param name="C">Estimated sensitivity c.</param>
/// <param name="Theta0StdErr">Standard error of θ₀ (delta method from the logit scale).</param>
/// <param name="CStdErr">Standard error of c (delta method from the logit scale).</param>
/// <param name="Theta0Ci95">95% interval for θ₀ (Wald on the logit scale, or bootstrap percentiles).</param>
/// <param name="CCi95">95% interval for c (Wald on the logit scale, or bootstrap percentiles).</param>
/// <param name="Rmse">Root-mean-square difference between the observed series and the fitted θ_i.</param>
/// <param name="LogLikelihood">Σ w_i [p_i ln θ_i + (1 − p_i) ln(1 − θ_i)] at the estimate (nats).</param>
/// <param name="N">Number of observations used.</param>
public sealed record TwoHypothesisFit(
    double Theta0,
    double C,
    double Theta0StdErr,
    double CStdErr,
    (double Lo, double Hi) Theta0Ci95,
    (double Lo, double Hi) CCi95,
    double Rmse,
    double LogLikelihood,
    int N)
{
    /// <summary>
    /// Root-mean-square difference between the observed and fitted surprisal −log₂ p, in bits: the scale the
    /// measurements are made on, where a miss at P(correct) = 10⁻⁴⁰ counts as much as one at 0.5 (on the probability
    /// scale both series would be "0" and the RMSE would say nothing).
    /// </summary>
    public double RmseSurprisalBits { get; init; }

    /// <summary>
    /// Simultaneous 95% intervals of θ₀ and c (the joint 95% confidence ellipse of their logits, χ²₂ = 5.99, projected
    /// on each axis): both parameters lie in their intervals together with 95% confidence.
    /// </summary>
    public (double Lo, double Hi) Theta0JointCi95 { get; init; }

    /// <summary>The c half of <see cref="Theta0JointCi95"/>.</summary>
    public (double Lo, double Hi) CJointCi95 { get; init; }

    /// <summary>Correlation of the estimates of logit θ₀ and logit c (a long flat curve trades one for the other).</summary>
    public double LogitCorrelation { get; init; }
}
