namespace Probing.ToyModels.Analysis;

/// <summary>One hook's activation as a flat array with <paramref name="Width"/> values per (sequence, position).</summary>
/// <param name="Values">Row-major values, <c>[batch, seqLen, width]</c>.</param>
/// <param name="Width">Values per position (for <c>hook_z</c>, n_heads·d_head).</param>
public sealed record HookActivation(float[] Values, int Width);
