namespace Probing.ToyModels.Training;

/// <summary>
/// The learning rate at each optimizer step: a linear warmup from <c>lr / warmup_steps</c> to the peak
/// over <c>warmup_steps</c> steps, then constant, linear or cosine decay to
/// <c>final_lr_fraction × lr</c> at the end of training.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>The learning rate used by update number <paramref name="step"/> (0-based).</summary>
    public static double At(TrainingOptions options, long step)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var peak = options.Lr;
        var warmup = options.WarmupSteps;
        if (step < warmup) return peak * (step + 1) / warmup;

        // Progress runs from 0 at the first step after warmup towards 1 at the end of training
        // (the usual convention: the last update still has a small non-zero rate when the floor is 0).
        var decaySteps = Math.Max(1, options.Steps - warmup);
        var progress = Math.Clamp((double)(step - warmup) / decaySteps, 0.0, 1.0);
        var floor = options.FinalLrFraction;
        return options.Schedule switch
        {
            LrScheduleKind.Constant => peak,
            LrScheduleKind.Linear => peak * (1.0 - (1.0 - floor) * progress),
            LrScheduleKind.Cosine => peak * (floor + (1.0 - floor) * 0.5 * (1.0 + Math.Cos(Math.PI * progress))),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown schedule {options.Schedule}."),
        };
    }
}
