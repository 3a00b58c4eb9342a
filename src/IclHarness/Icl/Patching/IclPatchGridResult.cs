namespace Probing.IclHarness.Icl.Patching;

/// <summary>The result of <c>probe icl patch --grid</c>.</summary>
/// <param name="Patch">Prompts and answers; its rows are the unpatched row, then the grid's column at position −1 when the span includes it (the per-layer patch's rows).</param>
/// <param name="FirstPosition">The span's first position, counted from the end (−1 = final).</param>
/// <param name="LastPosition">The span's last position, counted from the end.</param>
/// <param name="SourceTokens">Tokens of the source prompt up to its patched final position.</param>
/// <param name="TargetTokens">Tokens of the target prompt (target rule's candidate) up to its final position.</param>
/// <param name="Cells">Layer-major, then position from first to last.</param>
public sealed record IclPatchGridResult(IclPatchResult Patch, int FirstPosition, int LastPosition, int SourceTokens, int TargetTokens, IReadOnlyList<PatchGridCell> Cells)
{
    /// <summary>Number of positions in the span.</summary>
    public int PositionCount => LastPosition - FirstPosition + 1;
}
