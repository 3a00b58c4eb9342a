using Probing.Bayes;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// Bound n-recurrence data: batches from <see cref="NRecurrenceSampler"/> (fresh, or drawn from a finite training
/// set for grokking) and metrics against the ideal observer on the same sequences.
/// </summary>
internal sealed class NRecurrenceTaskData : IToyTaskData
{
    private readonly NRecurrenceDataOptions _data;
    private readonly NRecurrenceSample[]? _trainSet;

    public NRecurrenceTaskData(NRecurrenceDataOptions data)
    {
        _data = data;
        Tokenizer = new ToyTokenizer([.. Enumerable.Range(0, data.Spec.VocabSize).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        if (data.TrainSequences > 0) _trainSet = NRecurrenceScoring.Draw(data, data.TrainSequences, new Random(data.TrainSeed));
    }

    public ToyTokenizer Tokenizer { get; }

    public ToyBatch Sample(int batchSize, Random random)
    {
        var samples = _trainSet is null
            ? NRecurrenceScoring.Draw(_data, batchSize, random)
            : [.. Enumerable.Range(0, batchSize).Select(_ => _trainSet[random.Next(_trainSet.Length)])];
        var n = _data.NCtx;
        var mask = new float[batchSize * n];
        Array.Fill(mask, 1f);
        return new ToyBatch(
            tensor(NRecurrenceScoring.Inputs(samples, n), [batchSize, n]),  // [batch, pos]
            tensor(NRecurrenceScoring.Targets(samples, n), [batchSize, n]), // [batch, pos]
            tensor(mask, [batchSize, n]));                                  // [batch, pos]
    }

    public IReadOnlyDictionary<string, double> Evaluate(Func<Tensor, Tensor> logits, Random random)
    {
        var test = NRecurrenceScoring.Draw(_data, _data.EvalBatch, random);
        var metrics = Score(test, logits).Metrics();
        metrics["gap_nats"] = metrics["loss_nats"] - metrics["ideal_loss_nats"];
        if (_trainSet is not null)
        {
            // A fixed slice of the training set, so that train-set and test-set loss show grokking.
            var train = _trainSet[..Math.Min(_trainSet.Length, _data.EvalBatch)];
            foreach (var (key, value) in Score(train, logits).Metrics("train_set_")) metrics[key] = value;
        }

        return metrics;
    }

    private NRecurrenceScore Score(NRecurrenceSample[] samples, Func<Tensor, Tensor> logits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var n = _data.NCtx;
        var output = logits(tensor(NRecurrenceScoring.Inputs(samples, n), [samples.Length, n])); // [batch, pos, d_vocab]
        var values = output.contiguous().to(ScalarType.Float32).cpu().data<float>().ToArray();
        var beliefs = samples.Select(s => NRecurrenceObserver.Filter(_data.Spec, s.Tokens)).ToArray();
        return NRecurrenceScoring.Score(samples, beliefs, values, n, (int)output.shape[^1]);
    }
}
