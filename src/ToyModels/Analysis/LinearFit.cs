namespace Probing.ToyModels.Analysis;

/// <summary>An ordinary least-squares line y ≈ slope·x + intercept with its R².</summary>
/// <param name="Slope">Fitted slope.</param>
/// <param name="Intercept">Fitted intercept.</param>
/// <param name="R2">Coefficient of determination on the fitted points.</param>
/// <param name="Count">Number of points.</param>
public sealed record LinearFit(double Slope, double Intercept, double R2, int Count)
{
    /// <summary>Fits the line through (x, y); a constant x gives slope 0.</summary>
    public static LinearFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2) throw new ArgumentException($"a line fit needs two equal-length series of at least 2 points (got {x.Count} and {y.Count}).");
        var n = x.Count;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }

        var slope = sxx > 0 ? sxy / sxx : 0.0;
        var intercept = my - slope * mx;
        var r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 1.0;
        if (sxx == 0) r2 = syy > 0 ? 0.0 : 1.0;
        return new LinearFit(slope, intercept, r2, n);
    }
}
