namespace Probing.Bayes;

/// <summary>
/// Surprisal in nats or bits, and cumulative information. The surprisal of example i is −log P_{i−1}(x_i),
/// the probability the learner gave the answer before seeing it; the total information needed to learn a
/// task is the sum of those surprisals (seed 004).
/// </summary>
public static class Surprisal
{
    /// <summary>ln 2, to convert nats to bits.</summary>
    public const double Ln2 = 0.69314718055994530942;

    /// <summary>
    /// −ln p, in nats (+∞ for p = 0). Values up to 1 + 1e-6 count as 1, so float32 softmax rounding does not throw.
    /// </summary>
    /// <exception cref="ArgumentException">p is negative, NaN, or clearly above 1.</exception>
    public static double Nats(double probability) => -Math.Log(Checked(probability));

    /// <summary>−log₂ p, in bits (+∞ for p = 0). Values up to 1 + 1e-6 count as 1.</summary>
    /// <exception cref="ArgumentException">p is negative, NaN, or clearly above 1.</exception>
    public static double Bits(double probability) => -Math.Log(Checked(probability)) / Ln2;

    /// <summary>Converts nats to bits.</summary>
    public static double NatsToBits(double nats) => nats / Ln2;

    /// <summary>Converts bits to nats.</summary>
    public static double BitsToNats(double bits) => bits * Ln2;

    /// <summary>Surprisal in nats of each probability.</summary>
    public static double[] NatsOf(IReadOnlyList<double> probabilities) => probabilities.Select(Nats).ToArray();

    /// <summary>Surprisal in bits of each probability.</summary>
    public static double[] BitsOf(IReadOnlyList<double> probabilities) => probabilities.Select(Bits).ToArray();

    /// <summary>Running sums: entry i is the information received up to and including example i.</summary>
    public static double[] Cumulative(IReadOnlyList<double> surprisals)
    {
        ArgumentNullException.ThrowIfNull(surprisals);
        var cumulative = new double[surprisals.Count];
        var sum = 0.0;
        for (var i = 0; i < cumulative.Length; i++)
        {
            sum += surprisals[i];
            cumulative[i] = sum;
        }

        return cumulative;
    }

    /// <summary>The total information needed to learn the task: the sum of the surprisals (same unit as the input).</summary>
    public static double Total(IReadOnlyList<double> surprisals)
    {
        ArgumentNullException.ThrowIfNull(surprisals);
        return surprisals.Sum();
    }

    /// <summary>The Shannon entropy −Σ p ln p of a distribution, in nats (terms with p = 0 count as 0).</summary>
    public static double EntropyNats(IReadOnlyList<double> distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        var h = 0.0;
        foreach (var p in distribution)
            if (p > 0) h -= p * Math.Log(p);
        return h;
    }

    private static double Checked(double probability)
    {
        if (!(probability >= 0.0 && probability <= 1.0 + 1e-6))
            throw new ArgumentException($"a probability must lie in [0, 1] (got {probability}).");
        return Math.Min(probability, 1.0);
    }
}
