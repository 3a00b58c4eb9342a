using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// The trigram task bound to a dataset: next-token batches with every position scored, and ARENA's metrics on
/// the fixed evaluation batch (2,500 sequences, seed 40, never used for training) and on the trigram set.
/// </summary>
internal sealed class TrigramTaskData : IToyTaskData
{
    private const int EvalChunk = 500;
    private readonly TrigramBatch _evalBatch;

    public TrigramTaskData(TrigramDataset dataset, int evalSize, int evalSeed)
    {
        Dataset = dataset;
        Tokenizer = ToyTokenizer.Numbered(dataset.DVocab);
        _evalBatch = dataset.EvalBatch(evalSize, evalSeed);
    }

    public TrigramDataset Dataset { get; }

    public TrigramBatch EvalBatch => _evalBatch;

    public ToyTokenizer Tokenizer { get; }

    public ToyBatch Sample(int batchSize, Random random)
    {
        var batch = Dataset.Sample(batchSize, random);
        int t = batch.SeqLen;
        var tokens = batch.TokensAsInt64();
        var targets = new long[tokens.Length];
        var mask = new float[tokens.Length];
        for (var b = 0; b < batchSize; b++)
        for (var p = 0; p < t - 1; p++)
        {
            // Position p predicts token p + 1; the last position has no target.
            targets[b * t + p] = tokens[b * t + p + 1];
            mask[b * t + p] = 1f;
        }
        return new ToyBatch(
            tensor(tokens, [batchSize, t]),  // [batch, pos]
            tensor(targets, [batchSize, t]), // [batch, pos]
            tensor(mask, [batchSize, t]));   // [batch, pos]
    }

    public IReadOnlyDictionary<string, double> Evaluate(Func<Tensor, Tensor> logits, Random random)
    {
        // ARENA evaluates on one fixed batch; the trainer's fresh generator is not needed.
        var metrics = TrigramMetrics.Evaluate(SequenceLogits(logits, _evalBatch), _evalBatch, SetLogits(logits, Dataset.Set), Dataset);
        return metrics.ToNamedValues().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Logits of <paramref name="batch"/>, row-major [batch, pos, d_vocab], computed in chunks.</summary>
    internal static float[] SequenceLogits(Func<Tensor, Tensor> logits, TrigramBatch batch)
    {
        var tokens = batch.TokensAsInt64();
        var v = -1;
        var result = Array.Empty<float>();
        for (var start = 0; start < batch.Size; start += EvalChunk)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var n = Math.Min(EvalChunk, batch.Size - start);
            var chunk = tensor(tokens.AsSpan(start * batch.SeqLen, n * batch.SeqLen).ToArray(), [n, batch.SeqLen]); // [n, pos]
            var output = logits(chunk).to(ScalarType.Float32).contiguous();                                       // [n, pos, d_vocab]
            if (v < 0)
            {
                v = (int)output.shape[2];
                result = new float[batch.Size * batch.SeqLen * v];
            }
            output.data<float>().CopyTo(result, start * batch.SeqLen * v);
        }
        return result;
    }

    /// <summary>Logits at position 1 of each sequence (X, Y) of the set: row-major [n_trigrams, d_vocab].</summary>
    internal static float[] SetLogits(Func<Tensor, Tensor> logits, TrigramSet set)
    {
        if (set.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = set.Trigrams.SelectMany(t => new long[] { t.X, t.Y }).ToArray();
        var output = logits(tensor(tokens, [set.Count, 2]));                       // [n, 2, d_vocab]
        var last = output.select(1, 1).to(ScalarType.Float32).contiguous();      // [n, d_vocab]
        return last.data<float>().ToArray();
    }
}
