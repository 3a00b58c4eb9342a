namespace Probing.Bayes;

/// <summary>Where the fake target f of a noisy target position comes from (seed 002's variant option).</summary>
public enum FakeTargetSource
{
    /// <summary>f is uniform over the vocabulary without t.</summary>
    Uniform,

    /// <summary>
    /// f is uniform over the distinct tokens in the last 3n positions before it, without t; when that set is
    /// empty (at the start of a sequence, or a context of nothing but t) f falls back to uniform without t.
    /// </summary>
    RecentContext,
}
