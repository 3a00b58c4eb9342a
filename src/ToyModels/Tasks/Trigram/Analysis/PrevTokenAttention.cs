namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Analysis 1: previous-token attention at Y positions against the set of correctly predicted trigrams.</summary>
public static class PrevTokenAttention
{
    /// <summary>The worklog's threshold.</summary>
    public const double DefaultThreshold = 0.2;

    /// <summary>Compares the attention-selected positions with the correctly predicted trigram completions.</summary>
    /// <param name="pattern">Row-major [batch, query, key] attention pattern of the head.</param>
    /// <param name="batch">The sequences.</param>
    /// <param name="predictions">The model's predictions on <paramref name="batch"/>.</param>
    /// <param name="threshold">Attention (and probability) threshold.</param>
    public static PrevTokenAttentionResult Analyze(float[] pattern, TrigramBatch batch, TokenPredictions predictions, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(predictions);
        int n = batch.Size, t = batch.SeqLen;
        if (pattern.Length != n * t * t) throw new ArgumentException($"Expected a [{n}, {t}, {t}] pattern, got {pattern.Length} values.", nameof(pattern));
        var prev = new float[n * t];
        for (var b = 0; b < n; b++)
        for (var p = 1; p < t; p++)
            prev[b * t + p] = pattern[(b * t + p) * t + p - 1];

        var byAttention = new HashSet<(int, int)>();
        var byProbability = new HashSet<(int, int)>();
        for (var b = 0; b < n; b++)
        for (var y = 1; y <= t - 2; y++)
        {
            // The first position has no previous token and the last predicts nothing in the batch: both are cut, as in the worklog.
            if (prev[b * t + y] > threshold) byAttention.Add((b, y + 1));
            if (predictions.ProbCorrect(b, y) > threshold) byProbability.Add((b, y + 1));
        }
        var correct = new HashSet<(int, int)>();
        var all = new HashSet<(int, int)>();
        double sumCorrect = 0, sumMissed = 0;
        foreach (var (b, z) in batch.CompletionPositions)
        {
            all.Add((b, z));
            if (predictions.IsArgmaxCorrect(b, z - 1)) { correct.Add((b, z)); sumCorrect += prev[b * t + z - 1]; }
            else sumMissed += prev[b * t + z - 1];
        }
        double sumElsewhere = 0;
        var countElsewhere = 0;
        for (var b = 0; b < n; b++)
        for (var y = 1; y <= t - 2; y++)
        {
            if (batch.IsCompletion[b * t + y + 1]) continue;
            sumElsewhere += prev[b * t + y];
            countElsewhere++;
        }
        var missed = all.Count - correct.Count;
        return new PrevTokenAttentionResult(
            threshold, prev,
            SetOverlap.Of(correct, byAttention),
            SetOverlap.Of(byProbability, byAttention),
            SetOverlap.Of(all, byAttention),
            correct.Count == 0 ? double.NaN : sumCorrect / correct.Count,
            missed == 0 ? double.NaN : sumMissed / missed,
            countElsewhere == 0 ? double.NaN : sumElsewhere / countElsewhere);
    }
}
