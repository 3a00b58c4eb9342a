namespace Probing.ToyModels.Sweep;

/// <summary>One line of a shard file: an architecture, its size, its training time and its final evaluation.</summary>
/// <param name="Index">The point's index in the grid.</param>
/// <param name="DModel">d_model.</param>
/// <param name="NLayers">n_layers.</param>
/// <param name="NHeads">n_heads.</param>
/// <param name="Parameters">Trainable parameter count.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="WallSeconds">Wall time of the training.</param>
/// <param name="Run">The run directory (a checkpoint).</param>
/// <param name="Metrics">The final evaluation's metrics (task keys, e.g. <c>target_loss_nats</c>).</param>
public sealed record SweepResult(int Index, int DModel, int NLayers, int NHeads, long Parameters, int Steps, double WallSeconds, string Run, IReadOnlyDictionary<string, double> Metrics);
