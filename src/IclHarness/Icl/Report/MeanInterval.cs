namespace Probing.IclHarness.Icl.Report;

/// <summary>A mean over contexts with its 95% Student-t interval.</summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="Lo">Lower end of the 95% interval (the mean itself when there is one value).</param>
/// <param name="Hi">Upper end of the 95% interval.</param>
/// <param name="Count">Number of values.</param>
public sealed record MeanInterval(double Mean, double Lo, double Hi, int Count)
{
    private static readonly double[] T975 =
    [
        12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
        2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
        2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
        2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
    ];

    /// <summary>
    /// Mean and t-interval of <paramref name="values"/> (non-finite values are an error), the interval clipped to
    /// the range [<paramref name="min"/>, <paramref name="max"/>] the quantity can take: a surprisal near 0 bits
    /// with a wide t-interval would otherwise report a negative lower end.
    /// </summary>
    public static MeanInterval Of(IReadOnlyList<double> values, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        if (n == 0) return new MeanInterval(double.NaN, double.NaN, double.NaN, 0);
        var mean = values.Average();
        if (n == 1) return new MeanInterval(mean, mean, mean, 1);
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        var half = TQuantile975(n - 1) * Math.Sqrt(variance / n);
        return new MeanInterval(mean, Math.Max(min, mean - half), Math.Min(max, mean + half), n);
    }

    /// <summary>The 0.975 quantile of Student's t with <paramref name="df"/> degrees of freedom.</summary>
    internal static double TQuantile975(int df)
    {
        if (df <= T975.Length) return T975[df - 1];
        // Cornish-Fisher expansion around the normal quantile; error below 1e-5 for df > 30.
        const double z = 1.959963984540054;
        double z3 = z * z * z, z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }
}
