using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks;

/// <summary>Cross-entropy and accuracy restricted to the positions a task's loss mask selects.</summary>
public static class MaskedLoss
{
    /// <summary>Mean cross-entropy (nats) over masked positions: a scalar tensor, differentiable.</summary>
    /// <param name="logits">float <c>[batch, pos, d_vocab]</c>.</param>
    /// <param name="targets">int64 <c>[batch, pos]</c>.</param>
    /// <param name="mask">float <c>[batch, pos]</c>, 1 where the position counts.</param>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Tensor mask)
    {
        var vocab = logits.shape[^1];
        var perPosition = nn.functional.cross_entropy(
            logits.reshape(-1, vocab), targets.reshape(-1), reduction: nn.Reduction.None); // [batch*pos]
        var weights = mask.reshape(-1).to(perPosition.dtype);                            // [batch*pos]
        return (perPosition * weights).sum() / weights.sum();                              // []
    }

    /// <summary>Fraction of masked positions whose arg-max logit is the target (a plain number).</summary>
    public static double Accuracy(Tensor logits, Tensor targets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var hits = logits.argmax(-1).eq(targets).to(ScalarType.Float32); // [batch, pos]
        var weights = mask.to(ScalarType.Float32);                       // [batch, pos]
        return ((hits * weights).sum() / weights.sum()).item<float>();
    }
}
