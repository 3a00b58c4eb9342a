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
    int N);
