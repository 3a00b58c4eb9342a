namespace Probing.Bayes;

/// <summary>
/// A mixture of Beta priors: each sequence first draws a component k with probability w_k, then
/// p ~ Beta(α_k, β_k), then i.i.d. flips (issue 6). The Bayes-optimal predictor keeps a posterior over
/// the components. Positions follow <see cref="BetaBernoulli"/>: position i predicts flip i+1 after i flips.
/// </summary>
public sealed class BetaMixture
{
    private readonly double[] _weights;
    private readonly BetaPosterior[] _components;

    /// <summary>Creates the mixture. Weights need not sum to 1; they are normalised.</summary>
    /// <param name="weights">Non-negative component weights with a positive sum, one per component.</param>
    /// <param name="components">The Beta priors (α, β &gt; 0).</param>
    /// <exception cref="ArgumentException">Counts differ, a weight is negative, or a prior is invalid.</exception>
    public BetaMixture(IReadOnlyList<double> weights, IReadOnlyList<BetaPosterior> components)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count == 0) throw new ArgumentException("a Beta mixture needs at least one component.");
        if (weights.Count != components.Count)
            throw new ArgumentException($"a Beta mixture needs one weight per component (got {weights.Count} weights for {components.Count} components).");
        foreach (var w in weights)
            if (!(w >= 0.0) || double.IsInfinity(w)) throw new ArgumentException($"mixture weights must be finite and ≥ 0 (got {w}).");
        var total = weights.Sum();
        if (!(total > 0.0)) throw new ArgumentException("mixture weights must have a positive sum.");
        foreach (var c in components) BetaBernoulli.ValidatePrior(c.Alpha, c.Beta);
        _weights = weights.Select(w => w / total).ToArray();
        _components = components.ToArray();
    }

    /// <summary>The normalised prior weights of the components.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>The Beta prior of each component.</summary>
    public IReadOnlyList<BetaPosterior> Components => _components;

    /// <summary>
    /// The posterior probability of each component after H heads in N flips (in any order):
    /// w_k B(H+α_k, N−H+β_k)/B(α_k, β_k), normalised.
    /// </summary>
    public double[] ComponentPosterior(int heads, int n)
    {
        ValidateCounts(heads, n);
        var logs = new double[_components.Length];
        for (var k = 0; k < logs.Length; k++)
        {
            var (a, b) = (_components[k].Alpha, _components[k].Beta);
            logs[k] = _weights[k] > 0
                ? Math.Log(_weights[k]) + SpecialFunctions.LogBeta(heads + a, n - heads + b) - SpecialFunctions.LogBeta(a, b)
                : double.NegativeInfinity;
        }

        var norm = SpecialFunctions.LogSumExp(logs);
        return logs.Select(l => Math.Exp(l - norm)).ToArray();
    }

    /// <summary>The exact Bayes predictive P(next = 1 | H heads in N flips) = Σ_k P(k | H, N) (H+α_k)/(N+α_k+β_k).</summary>
    public double Predictive(int heads, int n)
    {
        var posterior = ComponentPosterior(heads, n);
        var p = 0.0;
        for (var k = 0; k < posterior.Length; k++)
            p += posterior[k] * (heads + _components[k].Alpha) / (n + _components[k].Alpha + _components[k].Beta);
        return p;
    }

    /// <summary>The mixture's marginal probability of h heads in i flips: Σ_k w_k BetaBinomial(h; i, α_k, β_k).</summary>
    public double[] HeadsDistribution(int i)
    {
        if (i < 0) throw new ArgumentException($"the position must be ≥ 0 (got {i}).");
        var pmf = new double[i + 1];
        for (var k = 0; k < _components.Length; k++)
        {
            if (_weights[k] == 0) continue;
            var component = BetaBernoulli.BetaBinomialPmf(i, _components[k].Alpha, _components[k].Beta);
            for (var h = 0; h <= i; h++) pmf[h] += _weights[k] * component[h];
        }

        return pmf;
    }

    /// <summary>The expected loss (nats) of the exact Bayes predictor at position i: Σ_h P_mix(h; i) H_bin(Predictive(h, i)).</summary>
    public double ExpectedLossAtPosition(int i)
    {
        var pmf = HeadsDistribution(i);
        var loss = 0.0;
        for (var h = 0; h <= i; h++) loss += pmf[h] * SpecialFunctions.BinaryEntropy(Predictive(h, i));
        return loss;
    }

    /// <summary>The expected Bayes-optimal loss at positions 0 … length−1 (nats).</summary>
    public double[] PerPositionLoss(int length)
    {
        if (length < 1) throw new ArgumentException($"the sequence length must be at least 1 (got {length}).");
        var losses = new double[length];
        for (var i = 0; i < length; i++) losses[i] = ExpectedLossAtPosition(i);
        return losses;
    }

    /// <summary>The Bayes-optimal loss averaged over positions 0 … length−1 (nats).</summary>
    public double MeanLoss(int length) => PerPositionLoss(length).Average();

    /// <summary>The known-p floor E[H(p)] under the mixture, Σ_k w_k E_k[H(p)] (nats). A lower bound, not the Bayes loss.</summary>
    public double KnownPFloor()
    {
        var floor = 0.0;
        for (var k = 0; k < _components.Length; k++)
            floor += _weights[k] * BetaBernoulli.KnownPFloor(_components[k].Alpha, _components[k].Beta);
        return floor;
    }

    private static void ValidateCounts(int heads, int n)
    {
        if (n < 0) throw new ArgumentException($"the number of flips must be ≥ 0 (got {n}).");
        if (heads < 0 || heads > n) throw new ArgumentException($"the number of heads must lie in 0 … {n} (got {heads}).");
    }
}
