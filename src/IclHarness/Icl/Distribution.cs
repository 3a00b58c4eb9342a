namespace Probing.IclHarness.Icl;

/// <summary>Log-softmax statistics of one logits vector, computed without storing the distribution.</summary>
internal static class Distribution
{
    /// <summary>log Σ exp(logits), stable.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits) if (v > max) max = v;
        var sum = 0.0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>ln P(token).</summary>
    public static double LogProb(ReadOnlySpan<float> logits, int token, double logSumExp) => logits[token] - logSumExp;

    /// <summary>1 + the number of tokens with a strictly larger logit (ties favour the target).</summary>
    public static int Rank(ReadOnlySpan<float> logits, int token)
    {
        var value = logits[token];
        var rank = 1;
        foreach (var v in logits) if (v > value) rank++;
        return rank;
    }

    /// <summary>The argmax; ties go to the lowest id, so greedy decoding is deterministic.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>The <paramref name="k"/> most likely tokens, most likely first (ties by lower id).</summary>
    public static (int Token, double LogProb)[] TopK(ReadOnlySpan<float> logits, int k, double logSumExp)
    {
        var top = new List<(int Token, float Logit)>(k + 1);
        for (var i = 0; i < logits.Length; i++)
        {
            var v = logits[i];
            if (top.Count == k && v <= top[^1].Logit) continue;
            var at = top.Count;
            while (at > 0 && top[at - 1].Logit < v) at--;
            top.Insert(at, (i, v));
            if (top.Count > k) top.RemoveAt(top.Count - 1);
        }
        return top.Select(t => (t.Token, t.Logit - logSumExp)).ToArray();
    }
}
