using Probing.IclHarness.Icl.Prompts;

namespace Probing.IclHarness.Icl.Patching;

/// <summary>
/// What a patching run patches and scores: the source prompt (with its literal answer appended) and the position
/// whose residual is donated, and the target prompt completed by each of the three candidates (target rule, source
/// rule at the target's x, source's literal answer), each with its answer's token span.
/// </summary>
internal sealed record PatchSetup(
    int[] SourceTokens, int SourcePosition, (int[] Tokens, AnswerTokens Answer)[] Candidates, string SourcePrompt, string TargetPrompt,
    long SourceX, long TargetX, long TargetRuleAnswer, long SourceRuleAnswer, long SourceLiteralAnswer)
{
    /// <summary>The position of candidate <paramref name="candidate"/> that predicts its first informative token (the per-layer patch's position).</summary>
    public int FinalPosition(int candidate) => Candidates[candidate].Answer.InformativeToken - 1;

    /// <summary>The per-layer result with these prompts and <paramref name="rows"/>.</summary>
    public IclPatchResult Result(IclPatchOptions options, ModelIdentity identity, IReadOnlyList<PatchRow> rows) =>
        new(options, identity, SourcePrompt, TargetPrompt, SourceX, TargetX, TargetRuleAnswer, SourceRuleAnswer, SourceLiteralAnswer, rows);
}
