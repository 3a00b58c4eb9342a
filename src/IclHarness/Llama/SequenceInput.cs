namespace Probing.IclHarness.Llama;

/// <summary>
/// Tokens to evaluate in one sequence of a batch. With <paramref name="StartPosition"/> 0 the sequence
/// starts fresh; with a positive start the tokens continue the sequence's cached prefix of that length
/// (anything cached at or after it is dropped first).
/// </summary>
/// <param name="Tokens">Token ids, at least one.</param>
/// <param name="SequenceId">KV-cache sequence, 0..n_seq_max-1.</param>
/// <param name="StartPosition">Position of the first token.</param>
public sealed record SequenceInput(IReadOnlyList<int> Tokens, int SequenceId = 0, int StartPosition = 0)
{
    /// <summary>
    /// Indices into <see cref="Tokens"/> (negative counts from the end, -1 = last) at which this sequence gets
    /// logits, overriding <see cref="EvaluationOptions.AllPositions"/> for this sequence only; null (the default)
    /// follows the options. The last token, and any captured or patched position, always gets logits too
    /// (the last layer's <c>l_out</c> and <c>result_norm</c> hold output rows only). A capture whose
    /// <see cref="CaptureRequest.Positions"/> is null captures exactly this sequence's output positions.
    /// Skipping the LM head elsewhere is what makes a decode batched across sequences cheap; see
    /// <see cref="SequenceEvaluation.OutputPositions"/> for what the result holds.
    /// </summary>
    public IReadOnlyList<int>? OutputPositions { get; init; }
}
