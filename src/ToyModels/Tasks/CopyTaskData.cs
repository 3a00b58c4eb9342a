using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks;

/// <summary>
/// The copy task's data: each sequence is <c>n_ctx/2</c> random tokens followed by the same tokens
/// again; the loss counts only the predictions of the copied half.
/// </summary>
internal sealed class CopyTaskData : IToyTaskData
{
    private readonly int _nCtx;
    private readonly int _half;
    private readonly int _evalBatch;

    public CopyTaskData(int vocab, int nCtx, int evalBatch)
    {
        if (nCtx < 2 || nCtx % 2 != 0)
            throw new ArgumentException($"The copy task needs an even n_ctx of at least 2 (random half + copied half); got n_ctx = {nCtx}.");
        _nCtx = nCtx;
        _half = nCtx / 2;
        _evalBatch = evalBatch;
        Tokenizer = ToyTokenizer.Numbered(vocab);
    }

    public ToyTokenizer Tokenizer { get; }

    public ToyBatch Sample(int batchSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var tokens = new long[batchSize * _nCtx];
        var targets = new long[batchSize * _nCtx];
        var mask = new float[batchSize * _nCtx];
        for (var b = 0; b < batchSize; b++)
        {
            var row = b * _nCtx;
            for (var i = 0; i < _half; i++)
            {
                var token = random.Next(Tokenizer.Count);
                tokens[row + i] = token;
                tokens[row + _half + i] = token;
            }

            for (var t = 0; t < _nCtx - 1; t++) targets[row + t] = tokens[row + t + 1];
            // Position t predicts token t+1: the copied tokens are predicted from positions half-1 … n_ctx-2.
            for (var t = _half - 1; t < _nCtx - 1; t++) mask[row + t] = 1f;
        }

        return new ToyBatch(
            tensor(tokens, [batchSize, _nCtx]),  // [batch, pos]
            tensor(targets, [batchSize, _nCtx]), // [batch, pos]
            tensor(mask, [batchSize, _nCtx]));   // [batch, pos]
    }

    public IReadOnlyDictionary<string, double> Evaluate(Func<Tensor, Tensor> logits, Random random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = Sample(_evalBatch, random);
        var output = logits(batch.Tokens); // [batch, pos, d_vocab]
        var loss = MaskedLoss.CrossEntropy(output, batch.Targets, batch.LossMask).item<float>();
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = loss,
            ["accuracy"] = MaskedLoss.Accuracy(output, batch.Targets, batch.LossMask),
            // 1 = no better than uniform guessing, 0 = perfect copying.
            ["loss_as_frac"] = loss / Math.Log(Tokenizer.Count),
        };
    }
}
