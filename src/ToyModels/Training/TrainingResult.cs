namespace Probing.ToyModels.Training;

/// <summary>What a training run did.</summary>
/// <param name="Outcome">Completed, cancelled or diverged.</param>
/// <param name="Step">Steps completed (for a divergence, the step whose loss was not finite).</param>
/// <param name="CheckpointStep">The step of the checkpoint on disk (0 when none was written).</param>
/// <param name="FinalLoss">The last finite training loss.</param>
/// <param name="Message">One line for the user: what happened and what to do next.</param>
public sealed record TrainingResult(TrainingOutcome Outcome, long Step, long CheckpointStep, double FinalLoss, string Message);
