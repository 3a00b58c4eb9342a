namespace Probing.Bayes;

/// <summary>
/// The exact Bayesian observer over a finite set of hypotheses: prior weights, a likelihood
/// P(observation | hypothesis), and the posterior after each observation. Observations are treated as
/// conditionally independent given the hypothesis, so the posterior does not depend on their order.
/// The posterior is kept in log space, so long runs of near-certain evidence do not underflow.
/// </summary>
/// <typeparam name="THypothesis">The hypothesis type (for example a function).</typeparam>
/// <typeparam name="TObservation">The observation type (for example an (x, y) pair).</typeparam>
public sealed class DiscreteHypothesisObserver<THypothesis, TObservation>
{
    private readonly THypothesis[] _hypotheses;
    private readonly Func<THypothesis, TObservation, double> _likelihood;
    private readonly double[] _logPosterior;

    /// <summary>Creates the observer.</summary>
    /// <param name="hypotheses">The hypotheses (at least one).</param>
    /// <param name="likelihood">P(observation | hypothesis), a value in [0, 1] (or a density ≥ 0).</param>
    /// <param name="priorWeights">Non-negative prior weights, one per hypothesis, normalised here; null for uniform.</param>
    /// <exception cref="ArgumentException">No hypotheses, or bad prior weights.</exception>
    public DiscreteHypothesisObserver(
        IReadOnlyList<THypothesis> hypotheses,
        Func<THypothesis, TObservation, double> likelihood,
        IReadOnlyList<double>? priorWeights = null)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(likelihood);
        if (hypotheses.Count == 0) throw new ArgumentException("the observer needs at least one hypothesis.");
        _hypotheses = hypotheses.ToArray();
        _likelihood = likelihood;
        _logPosterior = new double[_hypotheses.Length];
        if (priorWeights is null)
        {
            Array.Fill(_logPosterior, -Math.Log(_hypotheses.Length));
            return;
        }

        if (priorWeights.Count != _hypotheses.Length)
            throw new ArgumentException($"there must be one prior weight per hypothesis (got {priorWeights.Count} for {_hypotheses.Length}).");
        foreach (var weight in priorWeights)
            if (!(weight >= 0) || double.IsInfinity(weight)) throw new ArgumentException($"prior weights must be finite and ≥ 0 (got {weight}).");
        var total = priorWeights.Sum();
        if (!(total > 0)) throw new ArgumentException("prior weights must have a positive sum.");
        for (var k = 0; k < _logPosterior.Length; k++) _logPosterior[k] = Math.Log(priorWeights[k] / total);
    }

    /// <summary>The hypotheses, in the order of <see cref="Posterior"/>.</summary>
    public IReadOnlyList<THypothesis> Hypotheses => _hypotheses;

    /// <summary>How many observations have been absorbed.</summary>
    public int ObservationCount { get; private set; }

    /// <summary>ln P(all observations so far), the log evidence (nats).</summary>
    public double LogEvidence { get; private set; }

    /// <summary>The current posterior probability of each hypothesis (sums to 1).</summary>
    public double[] Posterior => _logPosterior.Select(Math.Exp).ToArray();

    /// <summary>The posterior predictive probability of <paramref name="observation"/>: Σ_h P(h | data) P(observation | h).</summary>
    public double PredictiveProbability(TObservation observation)
    {
        var p = 0.0;
        for (var k = 0; k < _hypotheses.Length; k++)
        {
            if (double.IsNegativeInfinity(_logPosterior[k])) continue;
            p += Math.Exp(_logPosterior[k]) * Likelihood(k, observation);
        }

        return p;
    }

    /// <summary>
    /// Absorbs one observation and returns the predictive probability it had before the update (so
    /// −ln of the return value is its surprisal).
    /// </summary>
    /// <exception cref="ArgumentException">Every hypothesis gives the observation probability 0.</exception>
    public double Observe(TObservation observation)
    {
        var logs = new double[_hypotheses.Length];
        for (var k = 0; k < logs.Length; k++)
        {
            var likelihood = double.IsNegativeInfinity(_logPosterior[k]) ? 0.0 : Likelihood(k, observation);
            logs[k] = likelihood > 0 ? _logPosterior[k] + Math.Log(likelihood) : double.NegativeInfinity;
        }

        var logPredictive = SpecialFunctions.LogSumExp(logs);
        if (double.IsNegativeInfinity(logPredictive))
            throw new ArgumentException(
                $"observation {ObservationCount + 1} has probability 0 under every hypothesis; add a noise term to the likelihood.");
        for (var k = 0; k < logs.Length; k++) _logPosterior[k] = logs[k] - logPredictive;
        ObservationCount++;
        LogEvidence += logPredictive;
        return Math.Exp(logPredictive);
    }

    /// <summary>
    /// The expected surprisal (nats) of the next observation, when it is one of <paramref name="candidates"/>:
    /// −Σ_o P(o) ln P(o) with P the posterior predictive. When the candidates cover every possible outcome
    /// this is the entropy of the predictive distribution.
    /// </summary>
    public double ExpectedSurprisalNats(IEnumerable<TObservation> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var h = 0.0;
        foreach (var candidate in candidates)
        {
            var p = PredictiveProbability(candidate);
            if (p > 0) h -= p * Math.Log(p);
        }

        return h;
    }

    private double Likelihood(int k, TObservation observation)
    {
        var value = _likelihood(_hypotheses[k], observation);
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentException($"the likelihood returned {value}; it must be a finite number ≥ 0.");
        return value;
    }
}
