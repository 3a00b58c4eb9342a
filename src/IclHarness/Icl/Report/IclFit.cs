namespace Probing.IclHarness.Icl.Report;

/// <summary>
/// The two-hypothesis model fitted to the LM's mean P(correct) curve (fit.json). A failed fit sets only
/// <see cref="N"/> and <see cref="Error"/>; every estimate is then null and the curves empty.
/// </summary>
public sealed record IclFit
{
    /// <summary>Fitted θ₀, or null when the fit failed.</summary>
    public double? Theta0 { get; init; }

    /// <summary>Fitted sensitivity c, or null.</summary>
    public double? C { get; init; }

    /// <summary>95% interval of θ₀.</summary>
    public double[]? Theta0Ci95 { get; init; }

    /// <summary>95% interval of c.</summary>
    public double[]? CCi95 { get; init; }

    /// <summary>Standard error of θ₀.</summary>
    public double? Theta0StdErr { get; init; }

    /// <summary>Standard error of c.</summary>
    public double? CStdErr { get; init; }

    /// <summary>RMS difference between the LM's P(correct) and the fitted θ_A.</summary>
    public double? Rmse { get; init; }

    /// <summary>Quasi-log-likelihood at the fit (nats).</summary>
    public double? LogLikelihood { get; init; }

    /// <summary>Points fitted.</summary>
    public required int N { get; init; }

    /// <summary>Fitted θ_A before each example (empty when the fit failed).</summary>
    public double[] ThetaA { get; init; } = [];

    /// <summary>−log₂ θ_A, the simulated posterior's surprisal (empty when the fit failed).</summary>
    public double[] SimulatedSurprisalBits { get; init; } = [];

    /// <summary>Why the fit failed, or null.</summary>
    public string? Error { get; init; }

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
