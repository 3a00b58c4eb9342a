using System.Globalization;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Bound beta-Bernoulli data: the sampler as <see cref="ToyBatch"/> tensors and the Bayes-referenced metrics.</summary>
internal sealed class BetaBernoulliTaskData : IToyTaskData
{
    private readonly BetaBernoulliSampler _sampler;
    private readonly BetaBernoulliReference _reference;
    private readonly int _evalBatch;

    public BetaBernoulliTaskData(BetaBernoulliDataOptions data, int evalBatch)
    {
        _sampler = new BetaBernoulliSampler(data);
        _reference = new BetaBernoulliReference(data);
        _evalBatch = evalBatch;
        Tokenizer = new ToyTokenizer(data.Bos ? ["0", "1", "BOS"] : ["0", "1"]);
    }

    public ToyTokenizer Tokenizer { get; }

    public ToyBatch Sample(int batchSize, Random random)
    {
        var batch = _sampler.Sample(batchSize, random);
        var n = batch.NCtx;
        var mask = new float[batch.Targets.Length];
        var targets = new long[batch.Targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            var ignored = batch.Targets[i] == BetaBernoulliDataOptions.IgnoreTarget;
            mask[i] = ignored ? 0f : 1f;
            targets[i] = ignored ? 0 : batch.Targets[i]; // any valid id: the mask zeroes its loss
        }

        return new ToyBatch(
            tensor(batch.Tokens, [batchSize, n]), // [batch, pos]
            tensor(targets, [batchSize, n]),      // [batch, pos]
            tensor(mask, [batchSize, n]));        // [batch, pos]
    }

    public IReadOnlyDictionary<string, double> Evaluate(Func<Tensor, Tensor> logits, Random random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = _sampler.Sample(_evalBatch, random);
        var output = logits(tensor(batch.Tokens, [batch.Batch, batch.NCtx])); // [batch, pos, d_vocab]
        var values = output.contiguous().to(ScalarType.Float32).data<float>().ToArray();
        var metrics = BetaBernoulliMetrics.Evaluate(batch, values, (int)output.shape[^1], _reference);
        var result = new Dictionary<string, double>(metrics.Scalars(), StringComparer.Ordinal);
        for (var j = 0; j < metrics.KlToBayesByPosition.Count; j++)
            if (!double.IsNaN(metrics.KlToBayesByPosition[j]))
                result[string.Create(CultureInfo.InvariantCulture, $"kl_to_bayes_nats_pos{j:00}")] = metrics.KlToBayesByPosition[j];
        return result;
    }
}
