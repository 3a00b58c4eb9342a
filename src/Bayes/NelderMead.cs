namespace Probing.Bayes;

/// <summary>A plain Nelder–Mead simplex minimiser (standard coefficients 1, 2, 0.5, 0.5) for small smooth fits.</summary>
internal static class NelderMead
{
    public static (double[] X, double Value) Minimize(Func<double[], double> f, double[] start, double initialStep = 0.5, int maxIterations = 4000, double tolerance = 1e-12)
    {
        var dim = start.Length;
        var simplex = new double[dim + 1][];
        var values = new double[dim + 1];
        simplex[0] = (double[])start.Clone();
        for (var i = 0; i < dim; i++)
        {
            simplex[i + 1] = (double[])start.Clone();
            simplex[i + 1][i] += initialStep;
        }

        for (var i = 0; i <= dim; i++) values[i] = Safe(f, simplex[i]);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var order = Enumerable.Range(0, dim + 1).OrderBy(i => values[i]).ToArray();
            simplex = order.Select(i => simplex[i]).ToArray();
            values = order.Select(i => values[i]).ToArray();
            if (Math.Abs(values[dim] - values[0]) <= tolerance * (Math.Abs(values[0]) + 1e-300) + 1e-300) break;

            var centroid = new double[dim];
            for (var i = 0; i < dim; i++)
            for (var d = 0; d < dim; d++) centroid[d] += simplex[i][d] / dim;

            double[] Along(double t) => centroid.Select((c, d) => c + t * (simplex[dim][d] - c)).ToArray();
            var reflected = Along(-1.0);
            var fr = Safe(f, reflected);
            if (fr < values[0])
            {
                var expanded = Along(-2.0);
                var fe = Safe(f, expanded);
                (simplex[dim], values[dim]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[dim - 1])
            {
                (simplex[dim], values[dim]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < values[dim] ? Along(-0.5) : Along(0.5);
                var fc = Safe(f, contracted);
                if (fc < Math.Min(fr, values[dim]))
                {
                    (simplex[dim], values[dim]) = (contracted, fc);
                }
                else
                {
                    // Shrink towards the best point.
                    for (var i = 1; i <= dim; i++)
                    {
                        simplex[i] = simplex[i].Select((x, d) => simplex[0][d] + 0.5 * (x - simplex[0][d])).ToArray();
                        values[i] = Safe(f, simplex[i]);
                    }
                }
            }
        }

        var best = Enumerable.Range(0, dim + 1).MinBy(i => values[i]);
        return (simplex[best], values[best]);
    }

    private static double Safe(Func<double[], double> f, double[] x)
    {
        var value = f(x);
        return double.IsNaN(value) ? double.PositiveInfinity : value;
    }
}
