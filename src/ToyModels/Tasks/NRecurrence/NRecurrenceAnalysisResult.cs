namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>The headline numbers of an n-recurrence checkpoint analysis (the files hold the rest).</summary>
/// <param name="Score">Model and observer losses on the analysis sequences.</param>
/// <param name="MeanGapNats">Model minus observer loss, averaged over positions.</param>
/// <param name="IclModelTargets">Target positions after a change until the model's P(new t) ≥ 0.5 (null: never).</param>
/// <param name="IclIdealTargets">The same for the observer.</param>
/// <param name="Heads">Per-head attention on targets.</param>
/// <param name="Report">Path of report.md.</param>
public sealed record NRecurrenceAnalysisResult(NRecurrenceScore Score, double MeanGapNats, int? IclModelTargets, int? IclIdealTargets,
    IReadOnlyList<HeadAttention> Heads, string Report);
