using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl;

/// <summary>
/// Log-softmax statistics of one logits vector, computed without storing the distribution: the harness's names
/// for the binding's <see cref="LogSoftmax"/>, so both layers rank and normalize logits the same way.
/// </summary>
internal static class Distribution
{
    /// <summary>log Σ exp(logits), stable.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits) => LogSoftmax.LogSumExp(logits);

    /// <summary>ln P(token).</summary>
    public static double LogProb(ReadOnlySpan<float> logits, int token, double logSumExp) => logits[token] - logSumExp;

    /// <summary>1 + the number of tokens with a strictly larger logit (ties favour the target).</summary>
    public static int Rank(ReadOnlySpan<float> logits, int token) => LogSoftmax.Rank(logits, token);

    /// <summary>The argmax; ties go to the lowest id, so greedy decoding is deterministic.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => LogSoftmax.ArgMax(logits);

    /// <summary>The <paramref name="k"/> most likely tokens, most likely first (ties by lower id).</summary>
    public static (int Token, double LogProb)[] TopK(ReadOnlySpan<float> logits, int k, double logSumExp) =>
        LogSoftmax.TopK(logits, k, logSumExp).Select(t => (t.Id, t.LogProb)).ToArray();
}
