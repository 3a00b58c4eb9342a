namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>
/// Runs the trigram analyses of the seed's worklog on one model and writes each as CSV + PNG into a folder.
/// </summary>
public static class TrigramAnalysis
{
    /// <summary>Sequences shown in the sample-probability plot (the worklog shows 50).</summary>
    public const int SampleRows = 50;

    /// <summary>Computes the metrics of <paramref name="w"/> on the dataset's evaluation batch and on its set.</summary>
    public static TrigramMetricValues Metrics(OneLayerWeights w, TrigramDataset dataset, TrigramBatch batch)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(batch);
        var acts = OneLayerForward.Run(w, batch.Tokens, batch.Size, batch.SeqLen);
        return TrigramMetrics.Evaluate(acts.Logits, batch, SetLogits(w, dataset.Set), dataset);
    }

    /// <summary>Logits after each sequence (X, Y) of the set: row-major [n_trigrams, d_vocab].</summary>
    public static float[] SetLogits(OneLayerWeights w, TrigramSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return OneLayerForward.LastPositionLogits(w, set.Trigrams.Select(t => new[] { t.X, t.Y }).ToList());
    }

    /// <summary>Runs analyses 1–4 and 6 on <paramref name="w"/>, writing CSV and PNG files into <paramref name="outDir"/>.</summary>
    /// <param name="w">The model.</param>
    /// <param name="dataset">The dataset (its set must be the one the model was trained on).</param>
    /// <param name="batch">The evaluation batch.</param>
    /// <param name="outDir">Output folder (created if missing).</param>
    /// <param name="label">The model's name in titles.</param>
    /// <param name="threshold">Previous-token attention threshold (worklog: 0.2).</param>
    /// <param name="cancel">Checked between analyses: files already written stay, each one whole.</param>
    public static TrigramAnalysisResult Run(OneLayerWeights w, TrigramDataset dataset, TrigramBatch batch, string outDir, string label,
        double threshold = PrevTokenAttention.DefaultThreshold, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(batch);
        w.Validate();
        if (w.DVocab != dataset.DVocab || w.NCtx < dataset.SeqLen)
            throw new ArgumentException($"The model (d_vocab {w.DVocab}, n_ctx {w.NCtx}) does not fit the trigram data (d_vocab {dataset.DVocab}, seq_len {dataset.SeqLen}).");
        Directory.CreateDirectory(outDir);
        var files = new List<string>();
        string P(string name) { files.Add(name); return Path.Combine(outDir, name); }

        var acts = OneLayerForward.Run(w, batch.Tokens, batch.Size, batch.SeqLen);
        var setLogits = SetLogits(w, dataset.Set);
        var metrics = TrigramMetrics.Evaluate(acts.Logits, batch, setLogits, dataset);
        var predictions = TrigramMetrics.Predict(acts.Logits, batch, w.DVocab);
        AtomicText.Csv(P("metrics.csv"), "name,value", metrics.ToNamedValues().Select(kv => new object[] { kv.Key, kv.Value }));

        cancel.ThrowIfCancellationRequested();
        // 6. Sample probabilities and an attention pattern, as in the worklog.
        var rows = Math.Min(SampleRows, batch.Size);
        var positions = batch.SeqLen - 1;
        var probs = new double[rows * positions];
        for (var b = 0; b < rows; b++)
        for (var p = 0; p < positions; p++) probs[b * positions + p] = predictions.ProbCorrect(b, p);
        AtomicText.Csv(P("sample_probs.csv"), "batch,position,predicted_token_position,prob_correct,is_trigram_completion",
            Enumerable.Range(0, rows * positions).Select(i => new object[] { i / positions, i % positions, i % positions + 1, probs[i], batch.IsCompletion[(i / positions) * batch.SeqLen + i % positions + 1] }));
        TrigramPlots.Heatmap(P("sample_probs.png"), probs, rows, positions, $"Sample model probabilities ({label})", "Seq posn (predicting posn + 1)", "Batch idx");

        var shown = batch.CompletionPositions.Count > 0 ? batch.CompletionPositions[0].Batch : 0;
        var t = batch.SeqLen;
        var pattern = new double[t * t];
        for (var i = 0; i < t * t; i++) pattern[i] = acts.Pattern[shown * t * t + i];
        TrigramPlots.Heatmap(P("attn_pattern.png"), pattern, t, t, $"Attention pattern, sequence {shown} ({label})", "Key posn", "Query posn");

        cancel.ThrowIfCancellationRequested();
        // 1. Previous-token attention at Y positions.
        var prev = PrevTokenAttention.Analyze(acts.Pattern, batch, predictions, threshold);
        AtomicText.Csv(P("prev_token_attention.csv"), "batch,position,token,prev_attention,is_y_of_trigram,next_is_predicted_top1",
            Enumerable.Range(0, batch.Size).SelectMany(b => Enumerable.Range(1, t - 2).Select(y => new object[]
            {
                b, y, batch[b, y], prev.PrevAttention[b * t + y], batch.IsCompletion[b * t + y + 1], predictions.IsArgmaxCorrect(b, y),
            })));
        AtomicText.Csv(P("prev_token_sets.csv"), "comparison,size_a,size_b,intersection,union,jaccard", new[]
        {
            Row("correct_trigrams_vs_attention", prev.AttentionVsCorrect),
            Row("prob_over_threshold_vs_attention", prev.AttentionVsProbability),
            Row("all_trigrams_vs_attention", prev.AttentionVsAllTrigrams),
        });
        var seqPrev = Enumerable.Range(0, t).Select(p => (double)prev.PrevAttention[shown * t + p]).ToArray();
        var yMarks = batch.CompletionPositions.Where(c => c.Batch == shown).Select(c => c.Position - 1).ToList();
        TrigramPlots.Line(P("prev_token_attention.png"), seqPrev, yMarks, threshold,
            $"Y token attention to X token, sequence {shown} ({label})", "Query posn", "attention to previous token", "Y of a trigram");

        cancel.ThrowIfCancellationRequested();
        // 2. QK circuit.
        var v = w.DVocab;
        var qkToken = TrigramCircuits.QkToken(w);
        var qkFull = TrigramCircuits.QkAdjacentFull(w);
        var qkPos = TrigramCircuits.QkPositional(w);
        var isPair = new bool[v * v];
        foreach (var tri in dataset.Set.Trigrams) isPair[tri.Y * v + tri.X] = true;
        AtomicText.Csv(P("qk_pairs.csv"), "query_token_y,key_token_x,qk_token,qk_adjacent_full,is_trigram_pair",
            Enumerable.Range(0, v * v).OrderByDescending(i => qkToken[i]).Select(i => new object[] { i / v, i % v, qkToken[i], qkFull[i], isPair[i] }));
        AtomicText.Csv(P("qk_positional.csv"), "query_position,key_position,qk_positional",
            Enumerable.Range(0, w.NCtx * w.NCtx).Where(i => i % w.NCtx <= i / w.NCtx).Select(i => new object[] { i / w.NCtx, i % w.NCtx, qkPos[i] }));
        TrigramPlots.Heatmap(P("qk_token.png"), qkToken, v, v, $"QK token circuit W_E W_Q W_K^T W_E^T ({label})", "Key token (X)", "Query token (Y)");
        var posMasked = (double[])qkPos.Clone();
        for (var q = 0; q < w.NCtx; q++) for (var k = q + 1; k < w.NCtx; k++) posMasked[q * w.NCtx + k] = double.NaN;
        TrigramPlots.Heatmap(P("qk_positional.png"), posMasked, w.NCtx, w.NCtx, $"QK positional circuit W_pos W_Q W_K^T W_pos^T ({label})", "Key posn", "Query posn");
        var (trigramScores, otherScores) = TrigramCircuits.SplitPairs(dataset.Set, qkToken);
        TrigramPlots.TwoHistograms(P("qk_token_hist.png"), trigramScores, "trigram pairs (Y, X)", otherScores, "other pairs",
            $"Token QK score by pair type ({label})", "QK score");

        cancel.ThrowIfCancellationRequested();
        // 3. OV circuit and the direct path.
        var ov = TrigramCircuits.OvToken(w);
        var direct = TrigramCircuits.DirectToken(w);
        var ovAcc = TrigramCircuits.TopOneAccuracy(dataset.Set, ov, null, out var ovOk);
        var bothAcc = TrigramCircuits.TopOneAccuracy(dataset.Set, ov, direct, out var bothOk);
        var learned = Learned(setLogits, dataset.Set);
        AtomicText.Csv(P("ov_trigrams.csv"), "x,y,z,ov_top1_of_x,ov_correct,ov_plus_direct_correct,model_correct",
            dataset.Set.Trigrams.Select((tri, i) => new object[] { tri.X, tri.Y, tri.Z, Mat.ArgMax(ov.AsSpan(tri.X * v, v)), ovOk[i], bothOk[i], learned[i] }));
        TrigramPlots.Heatmap(P("ov_token.png"), ov, v, v, $"OV circuit W_E W_V W_O W_U ({label})", "Output logit", "Attended token (X)");
        var summary = new QkOvSummary(
            TrigramCircuits.PairAuc(dataset.Set, qkToken),
            TrigramCircuits.PairAuc(dataset.Set, qkFull),
            TopPrecision(qkToken, isPair, dataset.Set.Count),
            Enumerable.Range(1, w.NCtx - 1).Average(p => qkPos[p * w.NCtx + p - 1] - qkPos[p * w.NCtx + p]),
            Enumerable.Range(2, Math.Max(0, w.NCtx - 2)).Count(p => Mat.ArgMax(qkPos.AsSpan(p * w.NCtx, p + 1)) == p - 1) / Math.Max(1.0, w.NCtx - 2),
            ovAcc, bothAcc, FractionWhere(ovOk, learned), FractionWhere(bothOk, learned));

        cancel.ThrowIfCancellationRequested();
        // 4. Zero-ablation.
        var ablation = PathAblation.Analyze(w, batch);
        AtomicText.Csv(P("ablation.csv"), "kept,correct,occurrences,fraction", new[]
        {
            AblationRow("full model", ablation.Full, ablation.Occurrences),
            AblationRow("direct path only (attn and mlp zeroed)", ablation.DirectOnly, ablation.Occurrences),
            AblationRow("direct + attention (mlp zeroed)", ablation.AttentionOnly, ablation.Occurrences),
            AblationRow("direct + mlp (attn zeroed)", ablation.MlpOnly, ablation.Occurrences),
            AblationRow("attention output alone through W_U", ablation.DirectLogitsAttention, ablation.Occurrences),
            AblationRow("mlp output alone through W_U", ablation.DirectLogitsMlp, ablation.Occurrences),
            AblationRow("mlp on embeddings only (attn zeroed) alone through W_U", ablation.MlpWithoutAttentionAlone, ablation.Occurrences),
            AblationRow("reference 'mlp only' as written (Z is token 0)", ablation.ReferenceMlpOnlyLiteral, ablation.Occurrences),
        });
        TrigramPlots.Bars(P("ablation.png"),
            [ablation.Full, ablation.DirectOnly, ablation.AttentionOnly, ablation.MlpOnly, ablation.DirectLogitsAttention, ablation.DirectLogitsMlp],
            $"Correct Z predictions of {ablation.Occurrences} by kept path ({label})", "", "correct",
            ["full", "direct", "dir+attn", "dir+mlp", "attn alone", "mlp alone"]);

        return new TrigramAnalysisResult(label, w, metrics, prev, summary, ablation, files);
    }

    private static object[] Row(string name, SetOverlap o) => [name, o.SizeA, o.SizeB, o.Intersection, o.Union, o.Jaccard];

    private static object[] AblationRow(string name, int correct, int total) => [name, correct, total, total == 0 ? 0.0 : (double)correct / total];

    private static bool[] Learned(float[] setLogits, TrigramSet set)
    {
        var v = set.DVocab;
        return set.Trigrams.Select((tri, i) =>
        {
            TrigramMetrics.LogSoftmaxAt(setLogits.AsSpan(i * v, v), tri.Z, out var argmax);
            return argmax == tri.Z;
        }).ToArray();
    }

    private static double FractionWhere(bool[] hits, bool[] mask)
    {
        var n = mask.Count(m => m);
        return n == 0 ? double.NaN : (double)hits.Where((h, i) => h && mask[i]).Count() / n;
    }

    private static double TopPrecision(double[] score, bool[] isPair, int k)
    {
        if (k == 0) return double.NaN;
        return Enumerable.Range(0, score.Length).OrderByDescending(i => score[i]).Take(k).Count(i => isPair[i]) / (double)k;
    }
}
