using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks;

/// <summary>
/// A task with its options bound: a tokenizer, a reproducible sampler with a loss mask, and the
/// task's evaluation metrics.
/// </summary>
public interface IToyTaskData
{
    /// <summary>The vocabulary; its size must equal the model's <c>d_vocab</c>.</summary>
    ToyTokenizer Tokenizer { get; }

    /// <summary>
    /// Draws a batch using only <paramref name="random"/>, so that the same seed gives the same batch.
    /// Tensors are created on the CPU in the caller's dispose scope.
    /// </summary>
    ToyBatch Sample(int batchSize, Random random);

    /// <summary>
    /// Computes the task's named metrics on fresh data drawn from <paramref name="random"/>.
    /// <paramref name="logits"/> maps int64 tokens <c>[batch, pos]</c> to logits <c>[batch, pos, d_vocab]</c>
    /// and is called without gradients.
    /// </summary>
    IReadOnlyDictionary<string, double> Evaluate(Func<Tensor, Tensor> logits, Random random);
}
