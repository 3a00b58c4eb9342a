namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Sizes of the beta-Bernoulli analyses.</summary>
public sealed record BetaBernoulliAnalysisOptions
{
    /// <summary>Longest flip prefix enumerated exhaustively (2^N sequences; capped by n_ctx). Default 19 = all of n_ctx 20.</summary>
    public int MaxEnumeratedFlips { get; init; } = 19;

    /// <summary>Longest prefix whose activations are kept for the permutation analysis.</summary>
    public int ResidualMaxFlips { get; init; } = 12;

    /// <summary>Sequences drawn from the data distribution for the probes, hook_z and the residual plot.</summary>
    public int ProbeSequences { get; init; } = 2000;

    /// <summary>Seed of the probe sequences and probe splits.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Ridge penalty of the probes (on standardised features).</summary>
    public double RidgeLambda { get; init; } = 1e-3;
}
