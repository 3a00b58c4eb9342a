namespace Probing.IclHarness.Icl.Report;

/// <summary>A proportion of successes with its 95% Wilson score interval (well-behaved at 0 and 1 and for few trials, unlike the normal approximation).</summary>
/// <param name="Value">Successes / Count.</param>
/// <param name="Lo">Lower end of the 95% Wilson interval.</param>
/// <param name="Hi">Upper end of the 95% Wilson interval.</param>
/// <param name="Successes">Number of successes.</param>
/// <param name="Count">Number of trials.</param>
public sealed record Proportion(double Value, double Lo, double Hi, int Successes, int Count)
{
    private const double Z = 1.959963984540054; // the normal distribution's 0.975 quantile

    /// <summary>The proportion <paramref name="successes"/>/<paramref name="count"/> with its 95% Wilson interval.</summary>
    public static Proportion Wilson(int successes, int count)
    {
        if (count < 0 || successes < 0 || successes > count) throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} successes of {count} trials");
        if (count == 0) return new Proportion(double.NaN, double.NaN, double.NaN, 0, 0);
        var p = successes / (double)count;
        var z2 = Z * Z;
        var denominator = 1 + z2 / count;
        var centre = (p + z2 / (2.0 * count)) / denominator;
        var half = Z * Math.Sqrt(p * (1 - p) / count + z2 / (4.0 * count * count)) / denominator;
        // At 0 and n successes the interval's own end is exactly 0 or 1; clamping guards only the last bit.
        return new Proportion(p, successes == 0 ? 0 : Math.Max(0, centre - half), successes == count ? 1 : Math.Min(1, centre + half), successes, count);
    }
}
