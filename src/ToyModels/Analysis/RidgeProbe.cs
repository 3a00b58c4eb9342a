namespace Probing.ToyModels.Analysis;

/// <summary>
/// A linear probe fitted by ridge regression on standardised features, scored by R² on a held-out split.
/// </summary>
/// <param name="Weights">Coefficients on the standardised features.</param>
/// <param name="Intercept">Intercept (the training mean of the target).</param>
/// <param name="TrainR2">R² on the training split.</param>
/// <param name="HeldOutR2">R² on the held-out split (can be negative: worse than predicting the mean).</param>
/// <param name="TrainCount">Rows used to fit.</param>
/// <param name="HeldOutCount">Rows held out.</param>
public sealed record RidgeProbe(double[] Weights, double Intercept, double TrainR2, double HeldOutR2, int TrainCount, int HeldOutCount)
{
    /// <summary>
    /// Fits y ≈ Xw + b on a random <paramref name="trainFraction"/> of the rows (seeded) and reports held-out R².
    /// </summary>
    /// <param name="x">Features, <c>[rows, width]</c> row-major.</param>
    /// <param name="width">Features per row.</param>
    /// <param name="y">Targets, one per row.</param>
    /// <param name="lambda">Ridge penalty on standardised features (per training row).</param>
    /// <param name="trainFraction">Fraction of rows used to fit.</param>
    /// <param name="seed">Seed of the split.</param>
    public static RidgeProbe Fit(float[] x, int width, double[] y, double lambda = 1e-3, double trainFraction = 0.8, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var rows = y.Length;
        if (width < 1 || x.Length != rows * width) throw new ArgumentException($"probe features must be rows×width = {rows}×{width} values (got {x.Length}).");
        if (rows < 10) throw new ArgumentException($"a probe needs at least 10 rows (got {rows}).");
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        var nTrain = Math.Clamp((int)Math.Round(rows * trainFraction), 2, rows - 2);
        var train = order[..nTrain];
        var test = order[nTrain..];

        // Standardise on the training split so λ means the same for every hook.
        var mean = new double[width];
        var std = new double[width];
        foreach (var r in train) for (var c = 0; c < width; c++) mean[c] += x[r * width + c];
        for (var c = 0; c < width; c++) mean[c] /= nTrain;
        foreach (var r in train) for (var c = 0; c < width; c++) std[c] += Sq(x[r * width + c] - mean[c]);
        for (var c = 0; c < width; c++) std[c] = Math.Sqrt(std[c] / nTrain) is var s && s > 1e-12 ? s : 1.0;
        var yMean = 0.0;
        foreach (var r in train) yMean += y[r];
        yMean /= nTrain;

        // Normal equations (ZᵀZ + λ n I) w = Zᵀ(y − ȳ).
        var a = new double[width, width];
        var rhs = new double[width];
        var z = new double[width];
        foreach (var r in train)
        {
            for (var c = 0; c < width; c++) z[c] = (x[r * width + c] - mean[c]) / std[c];
            for (var i = 0; i < width; i++)
            {
                rhs[i] += z[i] * (y[r] - yMean);
                for (var j = 0; j < width; j++) a[i, j] += z[i] * z[j];
            }
        }

        for (var i = 0; i < width; i++) a[i, i] += lambda * nTrain + 1e-12;
        var w = SolveSymmetric(a, rhs);
        double Predict(int r)
        {
            var p = yMean;
            for (var c = 0; c < width; c++) p += w[c] * (x[r * width + c] - mean[c]) / std[c];
            return p;
        }

        return new RidgeProbe(w, yMean, R2(train, Predict, y), R2(test, Predict, y), train.Length, test.Length);
    }

    private static double R2(int[] rows, Func<int, double> predict, double[] y)
    {
        var mean = 0.0;
        foreach (var r in rows) mean += y[r];
        mean /= rows.Length;
        double ssRes = 0, ssTot = 0;
        foreach (var r in rows)
        {
            ssRes += Sq(y[r] - predict(r));
            ssTot += Sq(y[r] - mean);
        }

        return ssTot > 0 ? 1 - ssRes / ssTot : (ssRes < 1e-18 ? 1.0 : 0.0);
    }

    /// <summary>Solves a symmetric positive-definite system by Cholesky decomposition.</summary>
    private static double[] SolveSymmetric(double[,] a, double[] b)
    {
        var n = b.Length;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-300)) : sum / l[j, j];
            }
        }

        var t = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++) sum -= l[i, k] * t[k];
            t[i] = sum / l[i, i];
        }

        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = t[i];
            for (var k = i + 1; k < n; k++) sum -= l[k, i] * x[k];
            x[i] = sum / l[i, i];
        }

        return x;
    }

    private static double Sq(double v) => v * v;
}
