namespace Probing.ToyModels.Training;

/// <summary>
/// The trainer's counters saved in <c>trainer_state.json</c> beside the optimizer moments, enough to
/// continue a run bit-for-bit. Batches need no saved generator state: batch k is drawn from a
/// generator seeded by (training seed, k).
/// </summary>
/// <param name="Format">File format version.</param>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="AdamStep">AdamW's per-parameter step count (bias correction).</param>
/// <param name="TrainLossSum">Sum of training losses since the last evaluation.</param>
/// <param name="TrainLossCount">Number of losses in <see cref="TrainLossSum"/>.</param>
/// <param name="LastLr">Learning rate of the last step.</param>
/// <param name="ElapsedSeconds">Training wall time so far.</param>
/// <param name="Seed">Training-data seed (must match the run config on resume).</param>
public sealed record TrainerState(int Format, long Step, long AdamStep, double TrainLossSum, long TrainLossCount, double LastLr, double ElapsedSeconds, int Seed)
{
    /// <summary>The current file format version.</summary>
    public const int CurrentFormat = 1;
}
