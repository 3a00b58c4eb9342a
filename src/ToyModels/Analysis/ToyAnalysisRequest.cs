namespace Probing.ToyModels.Analysis;

/// <summary>What to analyse. Optional inputs left null take the analysis's defaults.</summary>
public sealed record ToyAnalysisRequest
{
    /// <summary>The checkpoint (a training run folder).</summary>
    public required string Checkpoint { get; init; }

    /// <summary>A second checkpoint to compare side by side (trigram: the attention-only preset).</summary>
    public string? Compare { get; init; }

    /// <summary>Fresh analysis sequences to draw.</summary>
    public int? Sequences { get; init; }

    /// <summary>Seed of the fresh analysis sequences.</summary>
    public int? Seed { get; init; }

    /// <summary>The inputs that are set.</summary>
    public ToyAnalysisInputs Given =>
        (Compare is null ? 0 : ToyAnalysisInputs.Compare) | (Sequences is null ? 0 : ToyAnalysisInputs.Sequences) | (Seed is null ? 0 : ToyAnalysisInputs.Seed);
}
