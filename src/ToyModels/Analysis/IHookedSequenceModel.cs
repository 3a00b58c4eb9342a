namespace Probing.ToyModels.Analysis;

/// <summary>
/// What the toy-task analyses need from a model: logits and named per-position activations for a batch of
/// token sequences. The hooked transformer is adapted to it by <c>HookedTransformerSequenceModel</c>; tests
/// use hand-built models with known answers.
/// </summary>
public interface IHookedSequenceModel
{
    /// <summary>The model's vocabulary size (logits per position).</summary>
    int DVocab { get; }

    /// <summary>The longest sequence the model accepts.</summary>
    int NCtx { get; }

    /// <summary>The hooks whose activation is one vector per position (TransformerLens names), in forward order.</summary>
    IReadOnlyList<string> VectorHooks { get; }

    /// <summary>
    /// Runs <paramref name="tokens"/> (<c>[batch, seqLen]</c> row-major) and returns the logits
    /// (<c>[batch, seqLen, d_vocab]</c>) and the requested hooks' activations (<c>[batch, seqLen, width]</c>).
    /// </summary>
    HookedRun Run(long[] tokens, int batch, int seqLen, IReadOnlyCollection<string> hooks);
}
