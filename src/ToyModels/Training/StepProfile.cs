namespace Probing.ToyModels.Training;

/// <summary>
/// Where training steps spent their wall time, accumulated over <see cref="Steps"/> steps (seconds).
/// <see cref="Data"/> and <see cref="Overhead"/> are managed code outside libtorch; forward, backward and
/// optimizer are libtorch calls plus TorchSharp's thin wrappers.
/// </summary>
public sealed class StepProfile
{
    /// <summary>Steps measured.</summary>
    public long Steps { get; internal set; }

    /// <summary>Sampling the batch and building its tensors.</summary>
    public double Data { get; internal set; }

    /// <summary>Forward pass and masked loss.</summary>
    public double Forward { get; internal set; }

    /// <summary>Backward pass.</summary>
    public double Backward { get; internal set; }

    /// <summary>Gradient clipping, AdamW update, zeroing gradients.</summary>
    public double Optimizer { get; internal set; }

    /// <summary>Everything else in a step: schedule, loss read-back, progress, dispose scope.</summary>
    public double Overhead { get; internal set; }

    /// <summary>Total wall time of the measured steps.</summary>
    public double Total => Data + Forward + Backward + Optimizer + Overhead;

    /// <summary>Clears the accumulated times (e.g. after warm-up steps).</summary>
    public void Reset()
    {
        Steps = 0;
        Data = Forward = Backward = Optimizer = Overhead = 0;
    }
}
