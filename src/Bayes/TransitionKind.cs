namespace Probing.Bayes;

/// <summary>What a rule transition changes in stochastic n-recurrence (seed 002's variant option).</summary>
public enum TransitionKind
{
    /// <summary>(n, t) is redrawn uniformly among all pairs other than the current one (n, t or both may change).</summary>
    NAndT,

    /// <summary>n is redrawn uniformly among the other values in [MinN, MaxN]; t is kept. Needs MinN &lt; MaxN.</summary>
    NOnly,

    /// <summary>t is redrawn uniformly among the other tokens; n is kept.</summary>
    TOnly,
}
