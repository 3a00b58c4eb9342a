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
        if (data.LossOnTargets && _trainSet is not null && !_trainSet.Any(HasScoredTarget))
            throw new ArgumentException($"none of the {data.TrainSequences} training sequences has a target beyond 3n to train on (task.loss_positions \"targets\"); raise task.train_sequences or model.n_ctx.");
    }

    public ToyTokenizer Tokenizer { get; }

    public ToyBatch Sample(int batchSize, Random random)
    {
        var samples = Draw(batchSize, random);
        // A batch without a scored target would have a 0/0 loss: draw again (rare, and only with tiny batches).
        for (var attempt = 0; _data.LossOnTargets && !samples.Any(HasScoredTarget); attempt++)
        {
            if (attempt == 1000) throw new InvalidOperationException("1000 batches in a row had no target beyond 3n to train on.");
            samples = Draw(batchSize, random);
        }

        var n = _data.NCtx;
        var mask = new float[batchSize * n];
        for (var b = 0; b < batchSize; b++)
            for (var j = 0; j < n; j++)
                mask[b * n + j] = !_data.LossOnTargets || NRecurrenceScoring.IsScoredTarget(samples[b], j) ? 1f : 0f;
        return new ToyBatch(
            tensor(NRecurrenceScoring.Inputs(samples, n), [batchSize, n]),  // [batch, pos]
            tensor(NRecurrenceScoring.Targets(samples, n), [batchSize, n]), // [batch, pos]
            tensor(mask, [batchSize, n]));                                  // [batch, pos]
    }

    private NRecurrenceSample[] Draw(int batchSize, Random random) => _trainSet is null
        ? NRecurrenceScoring.Draw(_data, batchSize, random)
        : [.. Enumerable.Range(0, batchSize).Select(_ => _trainSet[random.Next(_trainSet.Length)])];

    private bool HasScoredTarget(NRecurrenceSample sample) =>
        Enumerable.Range(0, _data.NCtx).Any(j => NRecurrenceScoring.IsScoredTarget(sample, j));

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
