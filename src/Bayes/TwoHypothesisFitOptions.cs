namespace Probing.Bayes;

/// <summary>How <see cref="TwoHypothesisFitter"/> fits and reports its uncertainty.</summary>
/// <param name="Weights">Optional non-negative weight per observation (null: all 1).</param>
/// <param name="BootstrapSamples">
/// 0 (default): Wald 95% intervals from the robust (sandwich) standard errors, built on the logit scale and
/// mapped back, so they stay inside (0, 1). &gt; 0: percentile intervals from that many case-resampling
/// bootstrap refits instead.
/// </param>
/// <param name="Seed">Seed of the bootstrap resampler, so the intervals are reproducible.</param>
/// <param name="RobustStandardErrors">
/// True (default): sandwich standard errors, valid when the observed P(correct) values are not Bernoulli
/// draws (they are a model's probabilities). False: model-based errors from the observed information,
/// which treat each value as one Bernoulli trial.
/// </param>
public sealed record TwoHypothesisFitOptions(
    IReadOnlyList<double>? Weights = null,
    int BootstrapSamples = 0,
    int Seed = 0,
    bool RobustStandardErrors = true);
