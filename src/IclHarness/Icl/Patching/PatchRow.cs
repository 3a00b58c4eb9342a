namespace Probing.IclHarness.Icl.Patching;

/// <summary>One layer of the patching sweep (one row of patch.csv).</summary>
/// <param name="Layer">The patched block (l_out-Layer), or −1 for the unpatched target.</param>
/// <param name="PTargetRule">P(target rule's answer at the target's x).</param>
/// <param name="PSourceRule">P(source rule applied to the target's x).</param>
/// <param name="PSourceLiteral">P(the source prompt's literal answer).</param>
public sealed record PatchRow(int Layer, double PTargetRule, double PSourceRule, double PSourceLiteral);
