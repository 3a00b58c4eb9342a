namespace Probing.ToyModels.Analysis;

/// <summary>Projection on the top two principal components (power iteration with deflation).</summary>
internal static class Pca
{
    public static float[] ProjectTop2(float[] x, int width, int rows)
    {
        var mean = new double[width];
        for (var r = 0; r < rows; r++) for (var c = 0; c < width; c++) mean[c] += x[r * width + c];
        for (var c = 0; c < width; c++) mean[c] /= rows;
        var cov = new double[width, width];
        for (var r = 0; r < rows; r++)
            for (var i = 0; i < width; i++)
                for (var j = 0; j < width; j++)
                    cov[i, j] += (x[r * width + i] - mean[i]) * (x[r * width + j] - mean[j]);
        var v1 = TopEigenvector(cov, width);
        var lambda = Rayleigh(cov, v1);
        for (var i = 0; i < width; i++) for (var j = 0; j < width; j++) cov[i, j] -= lambda * v1[i] * v1[j];
        var v2 = TopEigenvector(cov, width);
        var result = new float[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            double a = 0, b = 0;
            for (var c = 0; c < width; c++)
            {
                var d = x[r * width + c] - mean[c];
                a += d * v1[c];
                b += d * v2[c];
            }

            result[2 * r] = (float)a;
            result[2 * r + 1] = (float)b;
        }

        return result;
    }

    private static double[] TopEigenvector(double[,] m, int n)
    {
        var v = Enumerable.Range(0, n).Select(i => 1.0 + 0.01 * i).ToArray();
        for (var iter = 0; iter < 200; iter++)
        {
            var w = new double[n];
            for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) w[i] += m[i, j] * v[j];
            var norm = Math.Sqrt(w.Sum(t => t * t));
            if (norm < 1e-30) return v.Select(t => t / Math.Sqrt(v.Sum(u => u * u))).ToArray();
            v = w.Select(t => t / norm).ToArray();
        }

        return v;
    }

    private static double Rayleigh(double[,] m, double[] v)
    {
        var s = 0.0;
        for (var i = 0; i < v.Length; i++) for (var j = 0; j < v.Length; j++) s += v[i] * m[i, j] * v[j];
        return s;
    }
}
