namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Draws beta-Bernoulli batches: per sequence a prior component (mixture only), then p ~ Beta(α, β), then flips.
/// Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public sealed class BetaBernoulliSampler
{
    private readonly BetaBernoulliDataOptions _options;
    private readonly double[] _cumulativeWeights;

    /// <summary>Creates a sampler; validates the options.</summary>
    public BetaBernoulliSampler(BetaBernoulliDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        if (options.Mixture is { } mixture)
        {
            var total = mixture.Sum(c => c.Weight);
            var running = 0.0;
            _cumulativeWeights = mixture.Select(c => running += c.Weight / total).ToArray();
        }
        else
        {
            _cumulativeWeights = [1.0];
        }
    }

    /// <summary>The data options.</summary>
    public BetaBernoulliDataOptions Options => _options;

    /// <summary>Samples <paramref name="batch"/> sequences.</summary>
    public BetaBernoulliBatch Sample(int batch, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (batch < 1) throw new ArgumentException($"the batch size must be at least 1 (got {batch}).");
        var n = _options.NCtx;
        var tokens = new long[batch * n];
        var targets = new long[batch * n];
        var ps = new double[batch];
        var flips = new long[n];
        for (var b = 0; b < batch; b++)
        {
            var p = DrawBias(rng);
            ps[b] = p;
            for (var i = 0; i < n; i++) flips[i] = rng.NextDouble() < p ? BetaBernoulliDataOptions.Heads : BetaBernoulliDataOptions.Tails;
            FillRow(flips, tokens.AsSpan(b * n, n), targets.AsSpan(b * n, n), _options.Bos);
        }

        return new BetaBernoulliBatch(batch, n, tokens, targets, ps);
    }

    /// <summary>
    /// Lays out n_ctx flips as one row: with BOS the input is [BOS, f1 … f(n−1)] and the targets f1 … fn;
    /// without BOS the input is f1 … fn and the targets f2 … fn, then one ignored position.
    /// </summary>
    public static void FillRow(ReadOnlySpan<long> flips, Span<long> tokens, Span<long> targets, bool bos)
    {
        var n = tokens.Length;
        if (flips.Length < n) throw new ArgumentException($"a row of {n} tokens needs {n} flips (got {flips.Length}).");
        if (bos)
        {
            tokens[0] = BetaBernoulliDataOptions.BosToken;
            for (var i = 1; i < n; i++) tokens[i] = flips[i - 1];
            for (var i = 0; i < n; i++) targets[i] = flips[i];
        }
        else
        {
            for (var i = 0; i < n; i++) tokens[i] = flips[i];
            for (var i = 0; i < n - 1; i++) targets[i] = flips[i + 1];
            targets[n - 1] = BetaBernoulliDataOptions.IgnoreTarget;
        }
    }

    private double DrawBias(Random rng)
    {
        if (_options.Mixture is not { } mixture) return RandomBeta.Sample(rng, _options.Alpha, _options.Beta);
        var u = rng.NextDouble();
        var k = 0;
        while (k < _cumulativeWeights.Length - 1 && u >= _cumulativeWeights[k]) k++;
        return RandomBeta.Sample(rng, mixture[k].Alpha, mixture[k].Beta);
    }
}
