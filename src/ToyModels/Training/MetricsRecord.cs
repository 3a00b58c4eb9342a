namespace Probing.ToyModels.Training;

/// <summary>One evaluation: a line of <c>metrics.jsonl</c>.</summary>
/// <param name="Step">Optimizer steps completed when the evaluation ran.</param>
/// <param name="Lr">Learning rate of the last step.</param>
/// <param name="TrainLoss">Mean training loss over the steps since the previous evaluation (nats).</param>
/// <param name="ElapsedSeconds">Training wall time so far, across resumes.</param>
/// <param name="Eval">The task's metrics on fresh data, by name.</param>
public sealed record MetricsRecord(long Step, double Lr, double TrainLoss, double ElapsedSeconds, IReadOnlyDictionary<string, double> Eval);
