namespace Probing.IclHarness.Icl.Patching;

/// <summary>The result of <c>probe icl patch</c>.</summary>
/// <param name="Options">The parameters.</param>
/// <param name="Model">The model.</param>
/// <param name="SourcePrompt">The source prompt (ends where its answer starts).</param>
/// <param name="TargetPrompt">The target prompt.</param>
/// <param name="SourceX">The source query's x.</param>
/// <param name="TargetX">The target query's x.</param>
/// <param name="TargetRuleAnswer">target(TargetX).</param>
/// <param name="SourceRuleAnswer">source(TargetX).</param>
/// <param name="SourceLiteralAnswer">source(SourceX).</param>
/// <param name="Rows">Unpatched (layer −1) then one row per layer.</param>
public sealed record IclPatchResult(
    IclPatchOptions Options, ModelIdentity Model, string SourcePrompt, string TargetPrompt, long SourceX, long TargetX,
    long TargetRuleAnswer, long SourceRuleAnswer, long SourceLiteralAnswer, IReadOnlyList<PatchRow> Rows);
