namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// The seven n-recurrence analyses of one checkpoint, computed and not yet written (<see cref="NRecurrenceCheckpointAnalysis.Compute"/>;
/// <see cref="NRecurrenceCheckpointAnalysis.Write"/> turns them into files).
/// </summary>
/// <param name="Header">The report's header lines: checkpoint, model, task and analysis sequences.</param>
/// <param name="Seed">Seed of the analysis sequences.</param>
/// <param name="LossByPosition">Analysis 1.</param>
/// <param name="IclRate">Analysis 2.</param>
/// <param name="BeliefProbes">Analysis 3.</param>
/// <param name="Attention">Analysis 4.</param>
/// <param name="Progress">Analysis 5.</param>
/// <param name="BeliefEdit">Analysis 6.</param>
/// <param name="BeliefTrajectory">Analysis 7.</param>
public sealed record NRecurrenceAnalyses(IReadOnlyList<string> Header, int Seed, NRecurrenceLossByPosition LossByPosition, NRecurrenceIclRate IclRate,
    NRecurrenceBeliefProbes BeliefProbes, NRecurrenceAttention Attention, NRecurrenceProgress Progress, NRecurrenceBeliefEdit BeliefEdit,
    NRecurrenceBeliefTrajectory BeliefTrajectory);
