namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Computes <see cref="BetaBernoulliEvalMetrics"/> from a model's logits on plain arrays.</summary>
public static class BetaBernoulliMetrics
{
    /// <summary>
    /// Scores <paramref name="logits"/> (<c>[batch, n_ctx, d_vocab]</c> row-major) against the batch's targets
    /// and against the exact Bayes predictive at each position. KL uses the model's full softmax, so mass the
    /// model puts on BOS counts against it, exactly as in the loss: E[loss] = Bayes loss + E[KL].
    /// </summary>
    public static BetaBernoulliEvalMetrics Evaluate(BetaBernoulliBatch batch, ReadOnlySpan<float> logits, int dVocab, BetaBernoulliReference reference)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(reference);
        var n = batch.NCtx;
        if (logits.Length != batch.Batch * n * dVocab)
            throw new ArgumentException($"expected {batch.Batch}×{n}×{dVocab} logits, got {logits.Length}.");
        var lossSum = new double[n];
        var klSum = new double[n];
        var count = new int[n];
        var logProbs = new double[dVocab];
        for (var b = 0; b < batch.Batch; b++)
        {
            var heads = 0;
            for (var j = 0; j < n; j++)
            {
                var token = batch.Tokens[b * n + j];
                if (token == BetaBernoulliDataOptions.Heads) heads++;
                var target = batch.Targets[b * n + j];
                if (target == BetaBernoulliDataOptions.IgnoreTarget) continue;
                LogSoftmax(logits.Slice((b * n + j) * dVocab, dVocab), logProbs);
                lossSum[j] -= logProbs[target];
                var q = reference.Predictive(heads, reference.Options.FlipsSeenAt(j));
                klSum[j] += Kl(q, logProbs[BetaBernoulliDataOptions.Heads], logProbs[BetaBernoulliDataOptions.Tails]);
                count[j]++;
            }
        }

        var lossBy = new double[n];
        var klBy = new double[n];
        for (var j = 0; j < n; j++)
        {
            lossBy[j] = count[j] > 0 ? lossSum[j] / count[j] : double.NaN;
            klBy[j] = count[j] > 0 ? klSum[j] / count[j] : double.NaN;
        }

        var total = count.Sum();
        return new BetaBernoulliEvalMetrics(
            lossSum.Sum() / total,
            reference.BayesLossNats,
            reference.KnownPFloorNats,
            klSum.Sum() / total,
            lossBy,
            reference.BayesLossByPosition,
            klBy);
    }

    /// <summary>KL(Bernoulli(q) ‖ model) in nats, from the model's log P(1) and log P(0).</summary>
    public static double Kl(double q, double logP1, double logP0)
    {
        var kl = 0.0;
        if (q > 0) kl += q * (Math.Log(q) - logP1);
        if (q < 1) kl += (1 - q) * (Math.Log(1 - q) - logP0);
        return kl;
    }

    /// <summary>Numerically stable log-softmax of one logit row into <paramref name="result"/>.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> row, Span<double> result)
    {
        var max = double.NegativeInfinity;
        foreach (var v in row) max = Math.Max(max, v);
        var sum = 0.0;
        foreach (var v in row) sum += Math.Exp(v - max);
        var log = max + Math.Log(sum);
        for (var i = 0; i < row.Length; i++) result[i] = row[i] - log;
    }
}
