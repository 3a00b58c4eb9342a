namespace Probing.IclHarness.Llama;

/// <summary>
/// Activation patching: during the decode, overwrite <c>l_out-<paramref name="Layer"/></c> at one position
/// with <paramref name="Vector"/> (length n_embd) before any later layer reads it.
/// </summary>
/// <param name="Layer">Block index 0..n_layer-1.</param>
/// <param name="Position">Index into the sequence's evaluated tokens (negative counts from the end).</param>
/// <param name="Vector">The replacement residual, n_embd floats (e.g. captured from another prompt).</param>
/// <param name="SequenceId">The sequence whose token is patched.</param>
public sealed record ResidualPatch(int Layer, int Position, float[] Vector, int SequenceId = 0);
