using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>
/// The trigram analyses of the seed's worklog on a model, through its own hooks and circuits: the forward pass
/// and the pattern from <see cref="HookedTransformer.RunWithCache"/>, ablations with
/// <see cref="HookedTransformer.RunWithHooks"/>, circuits from <see cref="HookedTransformer.QKCircuit"/> and
/// <see cref="HookedTransformer.OVCircuit"/>. Pure: nothing is written (see <see cref="TrigramAnalysisWriter"/>).
/// </summary>
public static class TrigramAnalysis
{
    /// <summary>Computes the metrics of <paramref name="model"/> on the dataset's evaluation batch and on its set.</summary>
    public static TrigramMetricValues Metrics(HookedTransformer model, TrigramDataset dataset, TrigramBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        return TrigramMetrics.Evaluate(ToFloats(model.forward(TokensOf(batch))), batch, SetLogits(model, dataset.Set), dataset);
    }

    /// <summary>Logits after each sequence (X, Y) of the set: row-major [n_trigrams, d_vocab].</summary>
    public static float[] SetLogits(HookedTransformer model, TrigramSet set)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        if (set.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pairs = tensor(set.Trigrams.SelectMany(t => new long[] { t.X, t.Y }).ToArray(), [set.Count, 2]); // [n, 2]
        return ToFloats(model.forward(pairs).select(1, 1));                                                     // [n, d_vocab]
    }

    /// <summary>Runs analyses 1–4 (and what 6 plots) on <paramref name="model"/>.</summary>
    /// <param name="model">The model; run it in float64 for the double-precision figures of the report.</param>
    /// <param name="dataset">The dataset (its set must be the one the model was trained on).</param>
    /// <param name="batch">The evaluation batch.</param>
    /// <param name="label">The model's name in titles.</param>
    /// <param name="threshold">Previous-token attention threshold (worklog: 0.2).</param>
    /// <param name="cancel">Checked between analyses.</param>
    public static TrigramAnalysisResult Compute(HookedTransformer model, TrigramDataset dataset, TrigramBatch batch, string label,
        double threshold = PrevTokenAttention.DefaultThreshold, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(batch);
        var c = model.Config;
        if (c.DVocab != dataset.DVocab || c.NCtx < dataset.SeqLen)
            throw new ArgumentException($"The model (d_vocab {c.DVocab}, n_ctx {c.NCtx}) does not fit the trigram data (d_vocab {dataset.DVocab}, seq_len {dataset.SeqLen}).");
        if (c.Pos != PosKind.Standard)
            throw new NotSupportedException($"The trigram analyses need learned (standard) positional embeddings (got {c.PositionalEmbeddingType}).");
        if (c.Norm is NormKind.LN or NormKind.RMS)
            throw new NotSupportedException("Fold the norms first (HookedTransformer.FoldLayerNorm): the circuits read the weights.");

        float[] logits;
        float[][] patterns; // per (layer, head): [batch, query, key]
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            model.eval();
            var (output, cache) = model.RunWithCache(TokensOf(batch), n => n.EndsWith("attn.hook_pattern", StringComparison.Ordinal)); // [batch, pos, d_vocab]
            using (cache)
            {
                logits = ToFloats(output);
                patterns = [.. Enumerable.Range(0, c.NLayers * c.NHeads).Select(i =>
                    ToFloats(cache[$"blocks.{i / c.NHeads}.attn.hook_pattern"].select(1, i % c.NHeads)))]; // [batch, query, key]
            }
        }
        var setLogits = SetLogits(model, dataset.Set);
        var metrics = TrigramMetrics.Evaluate(logits, batch, setLogits, dataset);
        var predictions = TrigramMetrics.Predict(logits, batch, c.DVocab);

        cancel.ThrowIfCancellationRequested();
        // 1. Previous-token attention at Y positions, of the head that attends most to the previous token.
        var best = Enumerable.Range(0, patterns.Length).MaxBy(i => MeanPrevAttention(patterns[i], batch));
        var (layer, head) = (best / c.NHeads, best % c.NHeads);
        var prev = PrevTokenAttention.Analyze(patterns[best], batch, predictions, threshold);

        cancel.ThrowIfCancellationRequested();
        // 2. QK circuit.
        var qkToken = TrigramCircuits.QkToken(model, layer, head);
        var qkFull = TrigramCircuits.QkAdjacentFull(model, layer, head);
        var qkPos = TrigramCircuits.QkPositional(model, layer, head);
        var v = c.DVocab;
        var isPair = new bool[v * v];
        foreach (var tri in dataset.Set.Trigrams) isPair[tri.Y * v + tri.X] = true;

        cancel.ThrowIfCancellationRequested();
        // 3. OV circuit and the direct path.
        var ov = TrigramCircuits.OvToken(model, layer, head);
        var direct = TrigramCircuits.DirectToken(model);
        var ovAcc = TrigramCircuits.TopOneAccuracy(dataset.Set, ov, null, out var ovOk);
        var bothAcc = TrigramCircuits.TopOneAccuracy(dataset.Set, ov, direct, out var bothOk);
        var learned = Learned(setLogits, dataset.Set);
        var n = c.NCtx;
        var summary = new QkOvSummary(
            TrigramCircuits.PairAuc(dataset.Set, qkToken),
            TrigramCircuits.PairAuc(dataset.Set, qkFull),
            TopPrecision(qkToken, isPair, dataset.Set.Count),
            Enumerable.Range(1, n - 1).Average(p => qkPos[p * n + p - 1] - qkPos[p * n + p]),
            Enumerable.Range(2, Math.Max(0, n - 2)).Count(p => TrigramCircuits.ArgMax(qkPos.AsSpan(p * n, p + 1)) == p - 1) / Math.Max(1.0, n - 2),
            ovAcc, bothAcc, FractionWhere(ovOk, learned), FractionWhere(bothOk, learned));

        cancel.ThrowIfCancellationRequested();
        // 4. Zero-ablation.
        var ablation = PathAblation.Analyze(model, batch);
        return new TrigramAnalysisResult
        {
            Label = label, DModel = c.DModel, DHead = c.DHead, DMlp = c.AttnOnly ? 0 : c.DMlp, Layer = layer, Head = head,
            Metrics = metrics, Predictions = predictions, Pattern = patterns[best], SetLogits = setLogits, PrevToken = prev,
            QkToken = qkToken, QkAdjacentFull = qkFull, QkPositional = qkPos, Ov = ov, OvCorrect = ovOk, OvPlusDirectCorrect = bothOk,
            Learned = learned, Circuits = summary, Ablation = ablation,
        };
    }

    /// <summary>The batch's tokens as an int64 tensor [batch, pos].</summary>
    internal static Tensor TokensOf(TrigramBatch batch) => tensor(batch.Tokens.Select(t => (long)t).ToArray(), [batch.Size, batch.SeqLen]);

    /// <summary>A tensor's values as row-major floats (the metrics' precision).</summary>
    internal static float[] ToFloats(Tensor t) => t.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();

    private static double MeanPrevAttention(float[] pattern, TrigramBatch batch)
    {
        int t = batch.SeqLen;
        double sum = 0;
        var count = 0;
        for (var b = 0; b < batch.Size; b++)
        for (var y = 1; y <= t - 2; y++, count++) sum += pattern[(b * t + y) * t + y - 1];
        return count == 0 ? 0 : sum / count;
    }

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
