using Probing.Bayes;
using BayesBetaBernoulli = Probing.Bayes.BetaBernoulli;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// The exact references from <c>src/Bayes</c> for one data configuration: the Bayes-optimal predictive,
/// its expected loss per input position, and the known-p floor (a lower bound, never the optimum).
/// </summary>
public sealed class BetaBernoulliReference
{
    private readonly BetaBernoulliDataOptions _options;
    private readonly BetaMixture? _mixture;
    private readonly double[] _lossByPosition;

    /// <summary>Builds the references for <paramref name="options"/>.</summary>
    public BetaBernoulliReference(BetaBernoulliDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        if (options.Mixture is { } m)
            _mixture = new BetaMixture(m.Select(c => c.Weight).ToArray(), m.Select(c => new BetaPosterior(c.Alpha, c.Beta)).ToArray());
        _lossByPosition = new double[options.NCtx];
        for (var j = 0; j < options.NCtx; j++)
            _lossByPosition[j] = HasTarget(j) ? ExpectedLossAfter(options.FlipsSeenAt(j)) : double.NaN;
        BayesLossNats = _lossByPosition.Where(v => !double.IsNaN(v)).Average();
        KnownPFloorNats = _mixture?.KnownPFloor() ?? BayesBetaBernoulli.KnownPFloor(options.Alpha, options.Beta);
    }

    /// <summary>The data options.</summary>
    public BetaBernoulliDataOptions Options => _options;

    /// <summary>Whether input position <paramref name="position"/> predicts a flip.</summary>
    public bool HasTarget(int position) => _options.Bos || position < _options.NCtx - 1;

    /// <summary>The exact Bayes-optimal P(next = 1) after <paramref name="heads"/> heads in <paramref name="n"/> flips.</summary>
    public double Predictive(int heads, int n) =>
        _mixture?.Predictive(heads, n) ?? BayesBetaBernoulli.Predictive(heads, n, _options.Alpha, _options.Beta);

    /// <summary>The expected Bayes-optimal loss (nats) at each input position; NaN where nothing is predicted.</summary>
    public IReadOnlyList<double> BayesLossByPosition => _lossByPosition;

    /// <summary>The exact Bayes-optimal loss averaged over the predicted positions (nats).</summary>
    public double BayesLossNats { get; }

    /// <summary>The known-p floor E[H(p)] (nats): the loss of a predictor told p. A floor, not the optimum.</summary>
    public double KnownPFloorNats { get; }

    private double ExpectedLossAfter(int flips) => _mixture?.ExpectedLossAtPosition(flips)
        ?? BayesBetaBernoulli.ExpectedLossAtPosition(flips, _options.Alpha, _options.Beta);
}
