using Probing.Bayes;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>Scores model logits against the ideal observer on sampled n-recurrence sequences.</summary>
public static class NRecurrenceScoring
{
    /// <summary>
    /// Draws <paramref name="count"/> sequences of n_ctx + 1 tokens (inputs x_0 … x_{n_ctx−1}, targets x_1 … x_{n_ctx}).
    /// </summary>
    public static NRecurrenceSample[] Draw(NRecurrenceDataOptions data, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(data);
        var samples = new NRecurrenceSample[count];
        for (var b = 0; b < count; b++) samples[b] = NRecurrenceSampler.Sample(data.Spec, data.NCtx + 1, random);
        return samples;
    }

    /// <summary>The model inputs x_0 … x_{n_ctx−1} of each sample, row-major <c>[batch, n_ctx]</c>.</summary>
    public static long[] Inputs(IReadOnlyList<NRecurrenceSample> samples, int nCtx)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var tokens = new long[samples.Count * nCtx];
        for (var b = 0; b < samples.Count; b++)
            for (var j = 0; j < nCtx; j++) tokens[b * nCtx + j] = samples[b].Tokens[j];
        return tokens;
    }

    /// <summary>The next-token targets x_1 … x_{n_ctx}, row-major <c>[batch, n_ctx]</c>.</summary>
    public static long[] Targets(IReadOnlyList<NRecurrenceSample> samples, int nCtx)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var tokens = new long[samples.Count * nCtx];
        for (var b = 0; b < samples.Count; b++)
            for (var j = 0; j < nCtx; j++) tokens[b * nCtx + j] = samples[b].Tokens[j + 1];
        return tokens;
    }

    /// <summary>Whether position j's prediction is scored as a target beyond 3n: x_{j+1} is a target position p ≥ 3·n_p.</summary>
    public static bool IsScoredTarget(NRecurrenceSample sample, int j)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var p = j + 1;
        return sample.IsTarget[p] && p >= 3 * sample.N[p];
    }

    /// <summary>
    /// Scores <paramref name="logits"/> (row-major <c>[batch, n_ctx, vocab]</c>) on <paramref name="samples"/> against
    /// the observer's beliefs (one per sample, from <see cref="NRecurrenceObserver.Filter"/> over all n_ctx + 1 tokens).
    /// </summary>
    public static NRecurrenceScore Score(IReadOnlyList<NRecurrenceSample> samples, IReadOnlyList<NRecurrenceBelief> beliefs, float[] logits, int nCtx, int vocab)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(beliefs);
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Length != samples.Count * nCtx * vocab)
            throw new ArgumentException($"logits must be [batch, n_ctx, vocab] = {samples.Count}×{nCtx}×{vocab} values (got {logits.Length}).");
        var model = new double[samples.Count][];
        var ideal = new double[samples.Count][];
        var scored = new bool[samples.Count][];
        for (var b = 0; b < samples.Count; b++)
        {
            model[b] = new double[nCtx];
            ideal[b] = new double[nCtx];
            scored[b] = new bool[nCtx];
            for (var j = 0; j < nCtx; j++)
            {
                model[b][j] = -LogSoftmaxAt(logits, (b * nCtx + j) * vocab, vocab, samples[b].Tokens[j + 1]);
                ideal[b][j] = beliefs[b].LossNats[j];
                scored[b][j] = IsScoredTarget(samples[b], j);
            }
        }

        return new NRecurrenceScore(model, ideal, scored);
    }

    /// <summary>The model's next-token distribution at one position: softmax of a logits row.</summary>
    public static double[] Softmax(float[] logits, int offset, int vocab)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var max = double.NegativeInfinity;
        for (var v = 0; v < vocab; v++) max = Math.Max(max, logits[offset + v]);
        var p = new double[vocab];
        double sum = 0;
        for (var v = 0; v < vocab; v++) sum += p[v] = Math.Exp(logits[offset + v] - max);
        for (var v = 0; v < vocab; v++) p[v] /= sum;
        return p;
    }

    private static double LogSoftmaxAt(float[] logits, int offset, int vocab, int token)
    {
        var max = double.NegativeInfinity;
        for (var v = 0; v < vocab; v++) max = Math.Max(max, logits[offset + v]);
        double sum = 0;
        for (var v = 0; v < vocab; v++) sum += Math.Exp(logits[offset + v] - max);
        return logits[offset + token] - max - Math.Log(sum);
    }
}
