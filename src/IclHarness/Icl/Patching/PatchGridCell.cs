namespace Probing.IclHarness.Icl.Patching;

/// <summary>One cell of the patching grid: l_out-<paramref name="Layer"/> patched at one position of the target prompt.</summary>
/// <param name="Layer">The patched block.</param>
/// <param name="Position">Position counted from the end: −1 is the position that predicts the answer's first informative
/// token (the per-layer patch's position), −2 the one before, and so on, in every candidate and in the source.</param>
/// <param name="Index">The same position as an index into the target prompt completed by the target rule's answer (0 = first token).</param>
/// <param name="Token">That token's text in the target prompt.</param>
/// <param name="PTargetRule">P(target rule's answer) with the patch.</param>
/// <param name="PSourceRule">P(source rule's answer at the target's x).</param>
/// <param name="PSourceLiteral">P(the source's literal answer).</param>
public sealed record PatchGridCell(int Layer, int Position, int Index, string Token, double PTargetRule, double PSourceRule, double PSourceLiteral);
