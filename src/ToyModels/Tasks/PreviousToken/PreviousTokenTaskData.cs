using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>Bound previous-token data: the sampler as tensors, and loss/accuracy (overall and per position) as metrics.</summary>
internal sealed class PreviousTokenTaskData : IToyTaskData
{
    private readonly PreviousTokenDataOptions _options;
    private readonly int _evalBatch;

    public PreviousTokenTaskData(PreviousTokenDataOptions options, int evalBatch)
    {
        _options = options;
        _evalBatch = evalBatch;
        var names = Enumerable.Range(0, options.Vocab).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (options.Bos) names.Add("BOS");
        Tokenizer = new ToyTokenizer(names);
    }

    public ToyTokenizer Tokenizer { get; }

    public ToyBatch Sample(int batchSize, Random random)
    {
        var (tokens, targets, mask) = PreviousTokenSampler.Sample(_options, batchSize, random);
        var n = _options.NCtx;
        return new ToyBatch(
            tensor(tokens, [batchSize, n]),  // [batch, pos]
            tensor(targets, [batchSize, n]), // [batch, pos]
            tensor(mask, [batchSize, n]));   // [batch, pos]
    }

    public IReadOnlyDictionary<string, double> Evaluate(Func<Tensor, Tensor> logits, Random random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (tokens, targets, mask) = PreviousTokenSampler.Sample(_options, _evalBatch, random);
        var output = logits(tensor(tokens, [_evalBatch, _options.NCtx])); // [batch, pos, d_vocab]
        var m = PositionMetrics.Compute(output.contiguous().data<float>().ToArray(), targets, mask, _evalBatch, _options.NCtx, (int)output.shape[^1]);
        var result = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = m.MeanLoss,
            ["accuracy"] = m.MeanAccuracy,
            ["loss_as_frac"] = m.MeanLoss / Math.Log(_options.Vocab),
        };
        for (var t = _options.FirstScoredPosition; t < _options.NCtx; t++) result[$"accuracy_pos{t:00}"] = m.Accuracy[t];
        return result;
    }
}
