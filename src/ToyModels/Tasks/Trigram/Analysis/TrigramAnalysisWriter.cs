namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Writes a <see cref="TrigramAnalysisResult"/> as CSV + PNG per analysis into a folder.</summary>
public static class TrigramAnalysisWriter
{
    /// <summary>Sequences shown in the sample-probability plot (the worklog shows 50).</summary>
    public const int SampleRows = 50;

    /// <summary>Writes <paramref name="r"/> into <paramref name="outDir"/> (created if missing); returns the result with its files.</summary>
    /// <param name="r">The computed analyses.</param>
    /// <param name="dataset">The dataset they were computed on.</param>
    /// <param name="batch">The evaluation batch they were computed on.</param>
    /// <param name="outDir">Output folder.</param>
    /// <param name="cancel">Checked between analyses: files already written stay, each one whole.</param>
    public static TrigramAnalysisResult Write(TrigramAnalysisResult r, TrigramDataset dataset, TrigramBatch batch, string outDir, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(batch);
        Directory.CreateDirectory(outDir);
        var files = new List<string>();
        string P(string name) { files.Add(name); return Path.Combine(outDir, name); }
        var label = r.Label;
        var predictions = r.Predictions;
        AtomicText.Csv(P("metrics.csv"), "name,value", r.Metrics.ToNamedValues().Select(kv => new object[] { kv.Key, kv.Value }));

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
        for (var i = 0; i < t * t; i++) pattern[i] = r.Pattern[shown * t * t + i];
        TrigramPlots.Heatmap(P("attn_pattern.png"), pattern, t, t, $"Attention pattern, sequence {shown} ({label})", "Key posn", "Query posn");

        cancel.ThrowIfCancellationRequested();
        // 1. Previous-token attention at Y positions.
        var prev = r.PrevToken;
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
        TrigramPlots.Line(P("prev_token_attention.png"), seqPrev, yMarks, prev.Threshold,
            $"Y token attention to X token, sequence {shown} ({label})", "Query posn", "attention to previous token", "Y of a trigram");

        cancel.ThrowIfCancellationRequested();
        // 2. QK circuit.
        var v = dataset.DVocab;
        var nCtx = (int)Math.Round(Math.Sqrt(r.QkPositional.Length));
        var (qkToken, qkFull, qkPos) = (r.QkToken, r.QkAdjacentFull, r.QkPositional);
        var isPair = new bool[v * v];
        foreach (var tri in dataset.Set.Trigrams) isPair[tri.Y * v + tri.X] = true;
        AtomicText.Csv(P("qk_pairs.csv"), "query_token_y,key_token_x,qk_token,qk_adjacent_full,is_trigram_pair",
            Enumerable.Range(0, v * v).OrderByDescending(i => qkToken[i]).Select(i => new object[] { i / v, i % v, qkToken[i], qkFull[i], isPair[i] }));
        AtomicText.Csv(P("qk_positional.csv"), "query_position,key_position,qk_positional",
            Enumerable.Range(0, nCtx * nCtx).Where(i => i % nCtx <= i / nCtx).Select(i => new object[] { i / nCtx, i % nCtx, qkPos[i] }));
        TrigramPlots.Heatmap(P("qk_token.png"), qkToken, v, v, $"QK token circuit W_E W_Q W_K^T W_E^T ({label})", "Key token (X)", "Query token (Y)");
        var posMasked = (double[])qkPos.Clone();
        for (var q = 0; q < nCtx; q++) for (var k = q + 1; k < nCtx; k++) posMasked[q * nCtx + k] = double.NaN;
        TrigramPlots.Heatmap(P("qk_positional.png"), posMasked, nCtx, nCtx, $"QK positional circuit W_pos W_Q W_K^T W_pos^T ({label})", "Key posn", "Query posn");
        var (trigramScores, otherScores) = TrigramCircuits.SplitPairs(dataset.Set, qkToken);
        TrigramPlots.TwoHistograms(P("qk_token_hist.png"), trigramScores, "trigram pairs (Y, X)", otherScores, "other pairs",
            $"Token QK score by pair type ({label})", "QK score");

        cancel.ThrowIfCancellationRequested();
        // 3. OV circuit and the direct path.
        var ov = r.Ov;
        AtomicText.Csv(P("ov_trigrams.csv"), "x,y,z,ov_top1_of_x,ov_correct,ov_plus_direct_correct,model_correct",
            dataset.Set.Trigrams.Select((tri, i) => new object[] { tri.X, tri.Y, tri.Z, TrigramCircuits.ArgMax(ov.AsSpan(tri.X * v, v)), r.OvCorrect[i], r.OvPlusDirectCorrect[i], r.Learned[i] }));
        TrigramPlots.Heatmap(P("ov_token.png"), ov, v, v, $"OV circuit W_E W_V W_O W_U ({label})", "Output logit", "Attended token (X)");

        cancel.ThrowIfCancellationRequested();
        // 4. Zero-ablation.
        var ablation = r.Ablation;
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
        return r with { Files = files };
    }

    private static object[] Row(string name, SetOverlap o) => [name, o.SizeA, o.SizeB, o.Intersection, o.Union, o.Jaccard];

    private static object[] AblationRow(string name, int correct, int total) => [name, correct, total, total == 0 ? 0.0 : (double)correct / total];
}
