namespace Probing.ToyModels.Training;

/// <summary>A progress report from the trainer, sent after every step and after each evaluation.</summary>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="TotalSteps">Steps the run will take in all.</param>
/// <param name="Loss">Training loss of the last step (nats).</param>
/// <param name="Lr">Learning rate of the last step.</param>
/// <param name="StepsPerSecond">Recent training speed.</param>
/// <param name="LastEval">The latest evaluation's metrics, or null before the first one.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double Lr, double StepsPerSecond, MetricsRecord? LastEval);
