namespace Probing.ToyModels.Training;

/// <summary>How a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>All steps ran; the final checkpoint is written.</summary>
    Completed,

    /// <summary>Cancelled (Ctrl-C); a checkpoint of the steps done is written and the run can be resumed.</summary>
    Cancelled,

    /// <summary>The loss or the weights became NaN or infinite; the last good checkpoint is kept unchanged.</summary>
    Diverged,
}
