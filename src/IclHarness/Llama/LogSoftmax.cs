using System.Numerics;

namespace Probing.IclHarness.Llama;

/// <summary>Log-softmax pieces over float logits, accumulated in double precision.</summary>
internal static class LogSoftmax
{
    /// <summary>ln Σ exp(logits), computed stably around the maximum.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits) => LogSumExp(logits, Max(logits));

    /// <summary>
    /// ln Σ exp(logits) around <paramref name="max"/>, the largest logit: the sum runs in index order in double
    /// precision, so the result does not depend on how the maximum was found (a vectorised pass finds it).
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<float> logits, float max)
    {
        double m = max;
        var sum = 0.0;
        foreach (var x in logits) sum += Math.Exp(x - m);
        return m + Math.Log(sum);
    }

    /// <summary>
    /// The statistics of one row that scoring needs, in two passes instead of four: the argmax (ties to the lowest id),
    /// the rank of <paramref name="token"/> (as <see cref="Rank"/>), and ln Σ exp (as <see cref="LogSumExp(ReadOnlySpan{float})"/>,
    /// bit for bit).
    /// </summary>
    public static RowStatistics Statistics(ReadOnlySpan<float> logits, int token)
    {
        var value = logits[token];
        var (max, greater) = MaxAndCountAbove(logits, value);
        return new RowStatistics(FirstIndexOf(logits, max), 1 + greater, LogSumExp(logits, max));
    }

    /// <summary>1 + the number of tokens with a strictly larger logit (ties favour <paramref name="token"/>).</summary>
    public static int Rank(ReadOnlySpan<float> logits, int token) => 1 + MaxAndCountAbove(logits, logits[token]).Greater;

    /// <summary>The argmax; ties go to the lowest id, so greedy decoding is deterministic.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => FirstIndexOf(logits, Max(logits));

    // The first index holding the maximum (ties to the lowest id; 0 for a row without one, as the scalar argmax gives).
    private static int FirstIndexOf(ReadOnlySpan<float> logits, float max)
    {
        for (var i = 0; i < logits.Length; i++) if (logits[i] == max) return i;
        return 0;
    }

    /// <summary>The largest logit (negative infinity for an empty row); NaN logits are skipped, as a scalar <c>x &gt; max</c> loop skips them.</summary>
    private static float Max(ReadOnlySpan<float> logits) => MaxAndCountAbove(logits, float.PositiveInfinity).Max;

    /// <summary>One vectorised pass: the largest logit and how many logits are strictly above <paramref name="value"/>.</summary>
    private static (float Max, int Greater) MaxAndCountAbove(ReadOnlySpan<float> logits, float value)
    {
        var max = float.NegativeInfinity;
        var greater = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && logits.Length >= 2 * Vector<float>.Count)
        {
            var maxes = new Vector<float>(float.NegativeInfinity);
            var counts = Vector<int>.Zero;
            var threshold = new Vector<float>(value);
            for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var x = new Vector<float>(logits.Slice(i, Vector<float>.Count));
                // ConditionalSelect rather than Vector.Max: a NaN lane never replaces the running maximum.
                maxes = Vector.ConditionalSelect(Vector.GreaterThan(x, maxes), x, maxes);
                counts -= Vector.GreaterThan(x, threshold); // true lanes are −1
            }
            for (var lane = 0; lane < Vector<float>.Count; lane++)
            {
                if (maxes[lane] > max) max = maxes[lane];
                greater += counts[lane];
            }
        }
        for (; i < logits.Length; i++)
        {
            var x = logits[i];
            if (x > max) max = x;
            if (x > value) greater++;
        }
        return (max, greater);
    }

    /// <summary>The whole log-softmax vector.</summary>
    public static double[] Full(ReadOnlySpan<float> logits)
    {
        var logZ = LogSumExp(logits);
        var result = new double[logits.Length];
        for (var i = 0; i < logits.Length; i++) result[i] = logits[i] - logZ;
        return result;
    }

    /// <summary>The <paramref name="k"/> largest logits as (id, log-prob), best first; ties keep the lower id.</summary>
    public static TopToken[] TopK(ReadOnlySpan<float> logits, int k, double logZ)
    {
        k = Math.Min(k, logits.Length);
        if (k <= 0) return [];
        var ids = new int[k];
        var values = new float[k];
        var count = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var x = logits[i];
            if (count == k && x <= values[k - 1]) continue;
            var j = count < k ? count++ : k - 1;
            while (j > 0 && values[j - 1] < x)
            {
                values[j] = values[j - 1];
                ids[j] = ids[j - 1];
                j--;
            }
            values[j] = x;
            ids[j] = i;
        }
        var result = new TopToken[k];
        for (var i = 0; i < k; i++) result[i] = new TopToken(ids[i], values[i] - logZ);
        return result;
    }
}

/// <summary>What scoring reads from one row of logits.</summary>
/// <param name="ArgMax">The most likely token (ties to the lowest id).</param>
/// <param name="Rank">1 + the number of tokens with a strictly larger logit than the scored token.</param>
/// <param name="LogSumExp">ln Σ exp(logits).</param>
internal readonly record struct RowStatistics(int ArgMax, int Rank, double LogSumExp);
