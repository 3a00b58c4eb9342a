namespace Probing.IclHarness.Llama;

/// <summary>Log-softmax pieces over float logits, accumulated in double precision.</summary>
internal static class LogSoftmax
{
    /// <summary>ln Σ exp(logits), computed stably around the maximum.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var x in logits) if (x > max) max = x;
        var sum = 0.0;
        foreach (var x in logits) sum += Math.Exp(x - max);
        return max + Math.Log(sum);
    }

    /// <summary>1 + the number of tokens with a strictly larger logit (ties favour <paramref name="token"/>).</summary>
    public static int Rank(ReadOnlySpan<float> logits, int token)
    {
        var value = logits[token];
        var rank = 1;
        foreach (var x in logits) if (x > value) rank++;
        return rank;
    }

    /// <summary>The argmax; ties go to the lowest id, so greedy decoding is deterministic.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
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
