using System.Globalization;
using System.Text.Json.Serialization;

namespace Probing.ToyModels.Training;

/// <summary>
/// Optimizer, schedule and bookkeeping settings of a training run (AdamW). JSON field names are
/// snake_case (<c>batch_size</c>, <c>warmup_steps</c>, …), as in the <c>training</c> object of a run config.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Total number of optimizer steps.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate.</summary>
    public double Lr { get; init; } = 1e-3;

    /// <summary>Decay after warmup.</summary>
    public LrScheduleKind Schedule { get; init; } = LrScheduleKind.Constant;

    /// <summary>Steps of linear warmup from <c>lr / warmup_steps</c> to <c>lr</c>; 0 for none.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Linear and cosine decay end at this fraction of the peak rate.</summary>
    public double FinalLrFraction { get; init; }

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>AdamW β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW β₂.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>AdamW ε.</summary>
    public double Eps { get; init; } = 1e-8;

    /// <summary>Clip the global gradient L2 norm to this value; 0 turns clipping off.</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Evaluate every this many steps (and at the end); 0 evaluates only at the end.</summary>
    public int EvalEvery { get; init; } = 100;

    /// <summary>Write a checkpoint every this many steps (and at the end); 0 writes only at the end.</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>
    /// Save the weights every this many steps (and at the end) into <c>RUN/snapshots/step-NNNNNNN/</c>, for
    /// progress measures; 0 (the default, left out of the JSON) saves none. Kept in the run's config, so a
    /// resumed run goes on taking them.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int SnapshotEvery { get; init; }

    /// <summary>Seed of the training data: batch k is drawn from a generator seeded by (seed, k).</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message naming the first bad field.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, object value, string rule)
        {
            if (!ok) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"training.{field} = {value} is invalid: it must be {rule}."));
        }

        Require(Steps >= 1, "steps", Steps, "at least 1");
        Require(BatchSize >= 1, "batch_size", BatchSize, "at least 1");
        Require(double.IsFinite(Lr) && Lr > 0, "lr", Lr, "a positive number");
        Require(Enum.IsDefined(Schedule), "schedule", Schedule, "constant, linear or cosine");
        Require(WarmupSteps >= 0 && WarmupSteps <= Steps, "warmup_steps", WarmupSteps, $"between 0 and steps ({Steps})");
        Require(FinalLrFraction is >= 0 and <= 1, "final_lr_fraction", FinalLrFraction, "between 0 and 1");
        Require(WeightDecay is >= 0 and < double.PositiveInfinity, "weight_decay", WeightDecay, "0 or more");
        Require(Beta1 is >= 0 and < 1, "beta1", Beta1, "in [0, 1)");
        Require(Beta2 is >= 0 and < 1, "beta2", Beta2, "in [0, 1)");
        Require(Eps is > 0 and < double.PositiveInfinity, "eps", Eps, "a positive number");
        Require(GradClip is >= 0 and < double.PositiveInfinity, "grad_clip", GradClip, "0 (off) or a positive number");
        Require(EvalEvery >= 0, "eval_every", EvalEvery, "0 (only at the end) or more");
        Require(CheckpointEvery >= 0, "checkpoint_every", CheckpointEvery, "0 (only at the end) or more");
        Require(SnapshotEvery >= 0, "snapshot_every", SnapshotEvery, "0 (no snapshots) or more");
    }
}
