namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// The metric math of ARENA's trigram problem on plain logit arrays, so that it is testable without a model.
/// </summary>
/// <remarks>
/// <para><c>train_loss_as_frac</c> maps the uniform predictor (loss ln d_vocab) to 1 and the optimal predictor
/// (uniform everywhere except probability 1 on each forced completion) to 0. ARENA's logged numbers use the
/// nominal optimum (1 − trigram_prob)·ln d_vocab: its reference pair train_loss 4.15741 → 0.25847 solves to
/// exactly that. We report the exact optimum of the batch as <c>train_loss_as_frac</c> (so a perfect
/// predictor scores exactly 0) and ARENA's formula as <c>train_loss_as_frac_nominal</c>.</para>
/// <para>The <c>trigram_*</c> metrics follow ARENA: they are computed on "the trigram dataset", one sequence
/// (X, Y, Z) per trigram, scoring only the prediction of Z after (X, Y). "Correct" means Z is the top-1 token.
/// The occurrence-level metrics score every Z position of the evaluation batch the same way.</para>
/// </remarks>
public static class TrigramMetrics
{
    /// <summary>Log-probability and top-1 correctness of the actual next token at every predicted position.</summary>
    /// <param name="logits">Row-major [batch, seq_len, d_vocab] logits of the model on <paramref name="batch"/>.</param>
    /// <param name="batch">The sequences the logits belong to.</param>
    /// <param name="dVocab">Vocabulary size.</param>
    public static TokenPredictions Predict(ReadOnlySpan<float> logits, TrigramBatch batch, int dVocab)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var expected = (long)batch.Size * batch.SeqLen * dVocab;
        if (logits.Length != expected)
            throw new ArgumentException($"Expected {expected} logits for [{batch.Size}, {batch.SeqLen}, {dVocab}], got {logits.Length}.", nameof(logits));
        var positions = batch.SeqLen - 1;
        var logProb = new double[batch.Size * positions];
        var top1 = new bool[batch.Size * positions];
        for (var b = 0; b < batch.Size; b++)
        for (var p = 0; p < positions; p++)
        {
            var row = logits.Slice((b * batch.SeqLen + p) * dVocab, dVocab);
            var target = batch[b, p + 1];
            logProb[b * positions + p] = LogSoftmaxAt(row, target, out var argmax);
            top1[b * positions + p] = argmax == target;
        }
        return new TokenPredictions(batch.Size, positions, logProb, top1);
    }

    /// <summary>All metrics: loss-based ones and occurrence counts on the batch, <c>trigram_*</c> on the set.</summary>
    /// <param name="logits">Row-major [batch, seq_len, d_vocab] logits on <paramref name="batch"/>.</param>
    /// <param name="batch">The evaluation batch.</param>
    /// <param name="trigramLogits">Row-major [n_trigrams, d_vocab]: logits at position 1 of the sequence (X, Y), in set order.</param>
    /// <param name="dataset">The dataset (set, vocabulary and nominal trigram_prob).</param>
    public static TrigramMetricValues Evaluate(ReadOnlySpan<float> logits, TrigramBatch batch, ReadOnlySpan<float> trigramLogits, TrigramDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var predictions = Predict(logits, batch, dataset.DVocab);
        var (loss, optimal, asFrac, nominal) = LossFractions(predictions, batch, dataset.DVocab, dataset.TrigramProb);
        var (avgProb, nCorrect) = SetScores(trigramLogits, dataset.Set);
        var occurrence = OccurrenceScores(predictions, batch, dataset.Set);
        return new TrigramMetricValues(
            loss, asFrac, nominal, optimal,
            avgProb, dataset.Set.Count == 0 ? 0 : (double)nCorrect / dataset.Set.Count, nCorrect, dataset.Set.Count,
            occurrence.Count, occurrence.NCorrect, occurrence.AvgProb, occurrence.DistinctCorrect, occurrence.DistinctSeen);
    }

    /// <summary>
    /// Mean cross-entropy, the batch's exact optimum, and both normalisations (see the class remarks).
    /// </summary>
    public static (double Loss, double Optimal, double AsFrac, double AsFracNominal) LossFractions(
        TokenPredictions predictions, TrigramBatch batch, int dVocab, double trigramProb)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(batch);
        double sum = 0;
        var forced = 0;
        for (var b = 0; b < predictions.Size; b++)
        for (var p = 0; p < predictions.Positions; p++)
        {
            sum -= predictions.LogProbCorrect[b * predictions.Positions + p];
            if (batch.IsCompletion[b * batch.SeqLen + p + 1]) forced++;
        }
        var targets = predictions.Size * predictions.Positions;
        var loss = sum / targets;
        var uniform = Math.Log(dVocab);
        var optimal = uniform * (targets - forced) / targets;
        var nominalOptimal = (1 - trigramProb) * uniform;
        return (loss, optimal, Normalise(loss, optimal, uniform), Normalise(loss, nominalOptimal, uniform));
    }

    /// <summary>ARENA's <c>trigram_avg_correct_prob</c> and <c>trigram_n_correct</c> from logits after each (X, Y).</summary>
    /// <param name="trigramLogits">Row-major [n_trigrams, d_vocab], in the order of <paramref name="set"/>.</param>
    /// <param name="set">The trigram set.</param>
    public static (double AvgCorrectProb, int NCorrect) SetScores(ReadOnlySpan<float> trigramLogits, TrigramSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var v = set.DVocab;
        if (trigramLogits.Length != set.Count * v)
            throw new ArgumentException($"Expected {set.Count * v} trigram logits for [{set.Count}, {v}], got {trigramLogits.Length}.", nameof(trigramLogits));
        if (set.Count == 0) return (0, 0);
        double probSum = 0;
        var correct = 0;
        for (var i = 0; i < set.Count; i++)
        {
            var z = set.Trigrams[i].Z;
            probSum += Math.Exp(LogSoftmaxAt(trigramLogits.Slice(i * v, v), z, out var argmax));
            if (argmax == z) correct++;
        }
        return (probSum / set.Count, correct);
    }

    /// <summary>Occurrence-level scores at every Z position, and distinct trigrams learned in context.</summary>
    public static (int Count, int NCorrect, double AvgProb, int DistinctCorrect, int DistinctSeen) OccurrenceScores(
        TokenPredictions predictions, TrigramBatch batch, TrigramSet set)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(set);
        var seen = new Dictionary<int, (int Total, int Correct)>();
        var correct = 0;
        double probSum = 0;
        foreach (var (b, p) in batch.CompletionPositions)
        {
            var ok = predictions.IsArgmaxCorrect(b, p - 1);
            if (ok) correct++;
            probSum += predictions.ProbCorrect(b, p - 1);
            var key = batch[b, p - 2] * set.DVocab + batch[b, p - 1];
            var (total, good) = seen.GetValueOrDefault(key);
            seen[key] = (total + 1, good + (ok ? 1 : 0));
        }
        var count = batch.CompletionPositions.Count;
        var distinctCorrect = seen.Values.Count(s => 2 * s.Correct >= s.Total);
        return (count, correct, count == 0 ? 0 : probSum / count, distinctCorrect, seen.Count);
    }

    /// <summary>log softmax(row)[index], computed in double; also returns the row's argmax (first on ties).</summary>
    internal static double LogSoftmaxAt(ReadOnlySpan<float> row, int index, out int argmax)
    {
        argmax = 0;
        var max = double.NegativeInfinity;
        for (var i = 0; i < row.Length; i++)
            if (row[i] > max) { max = row[i]; argmax = i; }
        double sum = 0;
        for (var i = 0; i < row.Length; i++) sum += Math.Exp(row[i] - max);
        return row[index] - max - Math.Log(sum);
    }

    /// <summary>ARENA's logged normalisation: (loss − (1 − trigram_prob)·ln d_vocab) / (trigram_prob·ln d_vocab).</summary>
    public static double NominalLossAsFrac(double loss, int dVocab, double trigramProb) =>
        Normalise(loss, (1 - trigramProb) * Math.Log(dVocab), Math.Log(dVocab));

    private static double Normalise(double loss, double optimal, double uniform) =>
        uniform - optimal <= 0 ? double.NaN : (loss - optimal) / (uniform - optimal);
}
