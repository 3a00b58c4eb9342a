using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.IclLinear;

/// <summary>
/// The <c>icl-linear</c> task's data: each sequence is one function of the training family written as
/// <c>(x, y), (x, y), …</c> up to n_ctx + 1 characters; the loss counts the answer characters only.
/// Evaluation reports answer surprisal per example (bits, summed over the answer's characters, as
/// <c>probe icl</c> measures it) for training functions and for the held-out ones.
/// </summary>
internal sealed class IclLinearTaskData : IToyTaskData
{
    private const int MaxReportedExample = 12;
    private readonly IclLinearFamily _family;
    private readonly int _nCtx;
    private readonly int _evalBatch;

    public IclLinearTaskData(IclLinearFamily family, int nCtx, int evalBatch)
    {
        if (nCtx < 16) throw new ArgumentException($"Task icl-linear needs n_ctx of at least 16 characters to hold a few examples; got {nCtx}.");
        _family = family.Validate();
        _nCtx = nCtx;
        _evalBatch = evalBatch;
        Tokenizer = new ToyTokenizer(IclLinearText.Vocabulary);
    }

    public ToyTokenizer Tokenizer { get; }

    public ToyBatch Sample(int batchSize, Random random) => Sample(batchSize, random, _family.Training, out _);

    private ToyBatch Sample(int batchSize, Random random, IReadOnlyList<(int A, int B)> functions, out int[] exampleOfTarget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var length = _nCtx + 1;
        var chars = new long[length];
        var example = new int[length];
        var tokens = new long[batchSize * _nCtx];
        var targets = new long[batchSize * _nCtx];
        var mask = new float[batchSize * _nCtx];
        exampleOfTarget = new int[batchSize * _nCtx];
        for (var row = 0; row < batchSize; row++)
        {
            var (a, b) = functions[random.Next(functions.Count)];
            IclLinearText.Write(a, b, _family, length, random, chars, example);
            for (var t = 0; t < _nCtx; t++)
            {
                var i = row * _nCtx + t;
                tokens[i] = chars[t];
                targets[i] = chars[t + 1];
                exampleOfTarget[i] = example[t + 1];
                mask[i] = example[t + 1] > 0 ? 1f : 0f;
            }
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
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var batch = Sample(_evalBatch, random, _family.Training, out var examples);
        var output = logits(batch.Tokens); // [batch, pos, d_vocab]
        metrics["loss"] = MaskedLoss.CrossEntropy(output, batch.Targets, batch.LossMask).item<float>();
        metrics["accuracy"] = MaskedLoss.Accuracy(output, batch.Targets, batch.LossMask);
        AddSurprisal(metrics, "", output, batch, examples);
        if (_family.HeldOut.Count > 0)
        {
            var heldOut = Sample(_evalBatch, random, _family.HeldOut, out var heldOutExamples);
            AddSurprisal(metrics, "heldout_", logits(heldOut.Tokens), heldOut, heldOutExamples);
        }

        return metrics;
    }

    // Bits per example (summed over the answer's characters), averaged over rows, for k = 1, 2, 3 and 8..12:
    // the figures probe icl reports, so training can be stopped when held-out surprisal turns up.
    private static void AddSurprisal(Dictionary<string, double> metrics, string prefix, Tensor output, ToyBatch batch, int[] exampleOfTarget)
    {
        var vocab = output.shape[^1];
        var nats = nn.functional.cross_entropy(output.reshape(-1, vocab), batch.Targets.reshape(-1), reduction: nn.Reduction.None) // [batch*pos]
            .to(ScalarType.Float32).data<float>().ToArray();
        var nCtx = (int)batch.Tokens.shape[1];
        var sums = new double[MaxReportedExample + 1];
        var counts = new int[MaxReportedExample + 1];
        for (var row = 0; row < batch.Tokens.shape[0]; row++)
        {
            var perExample = new double[MaxReportedExample + 2];
            for (var t = 0; t < nCtx; t++)
            {
                var k = exampleOfTarget[row * nCtx + t];
                if (k is > 0 and <= MaxReportedExample + 1) perExample[k] += nats[row * nCtx + t];
            }

            // Only examples whose whole answer lies inside the window count: the next example must have begun.
            var last = 0;
            for (var t = 0; t < nCtx; t++) last = Math.Max(last, exampleOfTarget[row * nCtx + t]);
            for (var k = 1; k <= Math.Min(MaxReportedExample, last - 1); k++)
            {
                sums[k] += perExample[k] / Math.Log(2);
                counts[k]++;
            }
        }

        double Mean(int from, int to)
        {
            double s = 0;
            var n = 0;
            for (var k = from; k <= to; k++)
            {
                s += sums[k];
                n += counts[k];
            }

            return n == 0 ? double.NaN : s / n;
        }

        metrics[prefix + "bits_k1"] = Mean(1, 1);
        metrics[prefix + "bits_k2"] = Mean(2, 2);
        metrics[prefix + "bits_k3"] = Mean(3, 3);
        metrics[prefix + "bits_k8_12"] = Mean(8, MaxReportedExample);
    }
}
