using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Checkpoints;

/// <summary>
/// A checkpoint folder resolved by <see cref="ToyCheckpoint.Open"/>: its task, the run config the weights
/// were trained with, and run.json when the folder has one.
/// </summary>
/// <param name="Directory">The checkpoint folder.</param>
/// <param name="Task">The task the model was trained on.</param>
/// <param name="Config">The run config (the task's default preset when there is no run.json).</param>
/// <param name="Run">run.json, or <c>null</c> for bare weights (e.g. exported from Python).</param>
public sealed record OpenedCheckpoint(string Directory, IToyTask Task, ToyRunConfig Config, RunInfo? Run);
