using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;

namespace Probing.ToyModels.Tests.Trigram.Reference;

/// <summary>Small row-major matrix helpers for the circuit analyses (matrices here are at most 75 × 75).</summary>
internal static class Mat
{
    /// <summary>C[m, n] = A[m, k] · B[k, n].</summary>
    public static double[] MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
        for (var t = 0; t < k; t++)
        {
            double av = a[i * k + t];
            if (av == 0) continue;
            for (var j = 0; j < n; j++) c[i * n + j] += av * b[t * n + j];
        }
        return c;
    }

    /// <summary>C[m, n] = A[m, k] · B[k, n] in double.</summary>
    public static double[] MatMul(ReadOnlySpan<double> a, ReadOnlySpan<float> b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
        for (var t = 0; t < k; t++)
        {
            var av = a[i * k + t];
            if (av == 0) continue;
            for (var j = 0; j < n; j++) c[i * n + j] += av * b[t * n + j];
        }
        return c;
    }

    /// <summary>C[m, n] = A[m, k] · B[n, k]ᵀ.</summary>
    public static double[] MatMulTransposed(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
        for (var j = 0; j < n; j++)
        {
            double s = 0;
            for (var t = 0; t < k; t++) s += a[i * k + t] * b[j * k + t];
            c[i * n + j] = s;
        }
        return c;
    }

    /// <summary>Adds <paramref name="bias"/>[n] to every row of <paramref name="a"/>[m, n] in place.</summary>
    public static double[] AddRow(double[] a, ReadOnlySpan<float> bias, int m, int n)
    {
        for (var i = 0; i < m; i++)
        for (var j = 0; j < n; j++) a[i * n + j] += bias[j];
        return a;
    }

    /// <summary>Index of the largest value of a row (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<double> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }
}
