namespace Probing.ToyModels.Analysis;

/// <summary>The optional inputs of a <see cref="ToyAnalysisRequest"/>.</summary>
[Flags]
public enum ToyAnalysisInputs
{
    /// <summary>Only the checkpoint.</summary>
    None = 0,

    /// <summary><see cref="ToyAnalysisRequest.Compare"/>.</summary>
    Compare = 1,

    /// <summary><see cref="ToyAnalysisRequest.Sequences"/>.</summary>
    Sequences = 2,

    /// <summary><see cref="ToyAnalysisRequest.Seed"/>.</summary>
    Seed = 4,
}
