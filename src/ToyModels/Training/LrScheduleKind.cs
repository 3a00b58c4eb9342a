namespace Probing.ToyModels.Training;

/// <summary>How the learning rate changes after the (optional) linear warmup.</summary>
public enum LrScheduleKind
{
    /// <summary>Stays at the peak rate.</summary>
    Constant,

    /// <summary>Falls linearly from the peak to <c>final_lr_fraction</c> × peak at the last step.</summary>
    Linear,

    /// <summary>Follows half a cosine from the peak to <c>final_lr_fraction</c> × peak at the last step.</summary>
    Cosine,
}
