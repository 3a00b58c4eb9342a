namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>Loss and accuracy per position over the scored positions of a batch.</summary>
/// <param name="Loss">Mean cross-entropy (nats) per position; NaN where nothing is scored.</param>
/// <param name="Accuracy">Arg-max accuracy per position; NaN where nothing is scored.</param>
/// <param name="MeanLoss">Mean loss over all scored positions.</param>
/// <param name="MeanAccuracy">Mean accuracy over all scored positions.</param>
public sealed record PositionMetrics(double[] Loss, double[] Accuracy, double MeanLoss, double MeanAccuracy)
{
    /// <summary>Computes the metrics from logits <c>[batch, n_ctx, d_vocab]</c>, targets and mask <c>[batch, n_ctx]</c>.</summary>
    public static PositionMetrics Compute(float[] logits, long[] targets, float[] mask, int batch, int nCtx, int dVocab)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(mask);
        if (logits.Length != batch * nCtx * dVocab) throw new ArgumentException($"expected {batch}×{nCtx}×{dVocab} logits, got {logits.Length}.");
        var loss = new double[nCtx];
        var hits = new double[nCtx];
        var count = new double[nCtx];
        var logProbs = new double[dVocab];
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < nCtx; t++)
            {
                var i = b * nCtx + t;
                if (mask[i] == 0) continue;
                var row = logits.AsSpan(i * dVocab, dVocab);
                BetaBernoulli.BetaBernoulliMetrics.LogSoftmax(row, logProbs);
                loss[t] -= logProbs[targets[i]];
                var argmax = 0;
                for (var v = 1; v < dVocab; v++) if (row[v] > row[argmax]) argmax = v;
                if (argmax == targets[i]) hits[t]++;
                count[t]++;
            }
        }

        var total = count.Sum();
        if (total == 0) throw new ArgumentException("the mask scores no position.");
        var meanLoss = loss.Sum() / total;
        var meanAcc = hits.Sum() / total;
        for (var t = 0; t < nCtx; t++)
        {
            loss[t] = count[t] > 0 ? loss[t] / count[t] : double.NaN;
            hits[t] = count[t] > 0 ? hits[t] / count[t] : double.NaN;
        }

        return new PositionMetrics(loss, hits, meanLoss, meanAcc);
    }
}
