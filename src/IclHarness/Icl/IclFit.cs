namespace Probing.IclHarness.Icl;

/// <summary>The two-hypothesis model fitted to the LM's mean P(correct) curve (fit.json).</summary>
/// <param name="Theta0">Fitted θ₀, or null when the fit failed.</param>
/// <param name="C">Fitted sensitivity c, or null.</param>
/// <param name="Theta0Ci95">95% interval of θ₀.</param>
/// <param name="CCi95">95% interval of c.</param>
/// <param name="Theta0StdErr">Standard error of θ₀.</param>
/// <param name="CStdErr">Standard error of c.</param>
/// <param name="Rmse">RMS difference between the LM's P(correct) and the fitted θ_A.</param>
/// <param name="LogLikelihood">Quasi-log-likelihood at the fit (nats).</param>
/// <param name="N">Points fitted.</param>
/// <param name="ThetaA">Fitted θ_A before each example (empty when the fit failed).</param>
/// <param name="SimulatedSurprisalBits">−log₂ θ_A, the simulated posterior's surprisal.</param>
/// <param name="Error">Why the fit failed, or null.</param>
public sealed record IclFit(
    double? Theta0, double? C, double[]? Theta0Ci95, double[]? CCi95, double? Theta0StdErr, double? CStdErr,
    double? Rmse, double? LogLikelihood, int N, double[] ThetaA, double[] SimulatedSurprisalBits, string? Error)
{
    /// <summary>RMS difference between the LM's and the fitted surprisal, in bits (the scale the curve is measured on).</summary>
    public double? RmseSurprisalBits { get; init; }

    /// <summary>Simultaneous 95% interval of θ₀ (with <see cref="CJointCi95"/>: the joint region of the pair).</summary>
    public double[]? Theta0JointCi95 { get; init; }

    /// <summary>Simultaneous 95% interval of c.</summary>
    public double[]? CJointCi95 { get; init; }

    /// <summary>Correlation of the logit θ₀ and logit c estimates.</summary>
    public double? LogitCorrelation { get; init; }

    /// <summary>True when the curve cannot identify (θ₀, c); <see cref="Error"/> says why.</summary>
    public bool NotIdentifiable => Error?.StartsWith("not identifiable", StringComparison.Ordinal) == true;
}
