namespace Probing.ToyModels.Training;

/// <summary>Training speed of one <see cref="BenchmarkCase"/>.</summary>
/// <param name="Case">What was timed.</param>
/// <param name="Parameters">Trainable parameter count.</param>
/// <param name="StepsPerSecond">Trainer steps per second (sampling, forward, backward, AdamW, bookkeeping).</param>
/// <param name="BareStepsPerSecond">
/// The reference measured in the same run: a bare loop of forward, loss, backward and AdamW on one
/// pre-built batch, i.e. the libtorch work alone.
/// </param>
/// <param name="Profile">Where the trainer's steps spent their time.</param>
public sealed record BenchmarkResult(BenchmarkCase Case, long Parameters, double StepsPerSecond, double BareStepsPerSecond, StepProfile Profile)
{
    /// <summary>Tokens processed per second by the trainer.</summary>
    public double TokensPerSecond => StepsPerSecond * Case.BatchSize * Case.Model.NCtx;

    /// <summary>Share of a step spent outside libtorch: sampling the batch plus per-step bookkeeping.</summary>
    public double OutsideLibtorchFraction => Profile.Total > 0 ? (Profile.Data + Profile.Overhead) / Profile.Total : double.NaN;

    /// <summary>Trainer step time over bare-loop step time, minus one: the trainer's cost beyond libtorch's work.</summary>
    public double OverheadVsBare => BareStepsPerSecond / StepsPerSecond - 1;

    /// <summary>Approximate training throughput, 6 · parameters · tokens per second (attention scores not counted).</summary>
    public double ApproxGflops => 6.0 * Parameters * TokensPerSecond / 1e9;
}
