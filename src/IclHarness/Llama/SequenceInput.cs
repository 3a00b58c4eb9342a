namespace Probing.IclHarness.Llama;

/// <summary>
/// Tokens to evaluate in one sequence of a batch. With <paramref name="StartPosition"/> 0 the sequence
/// starts fresh; with a positive start the tokens continue the sequence's cached prefix of that length
/// (anything cached at or after it is dropped first).
/// </summary>
/// <param name="Tokens">Token ids, at least one.</param>
/// <param name="SequenceId">KV-cache sequence, 0..n_seq_max-1.</param>
/// <param name="StartPosition">Position of the first token.</param>
public sealed record SequenceInput(IReadOnlyList<int> Tokens, int SequenceId = 0, int StartPosition = 0);
