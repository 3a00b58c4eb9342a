namespace Probing.Bayes;

/// <summary>
/// The generative process of deterministic and stochastic n-recurrence (seed 002), defined exactly so that a
/// data generator and <see cref="NRecurrenceObserver"/> agree. Tokens are 0 … V−1, positions j = 0, 1, ….
/// <list type="number">
/// <item>Latent state at position j: (n_j, t_j, φ_j) with n in [MinN, MaxN], t a token, phase φ in 0 … n−1.
/// Position j is a <i>target position</i> when φ_j = 0.</item>
/// <item>Start: n_0 uniform on [MinN, MaxN], t_0 uniform on the vocabulary, φ_0 uniform on 0 … n_0−1 (so the
/// first target lies uniformly within the first n_0 positions).</item>
/// <item>Emission at a target position: t with probability 1 − p_noise(n); otherwise a fake target f ≠ t drawn
/// per <see cref="FakeTarget"/>. At any other position: uniform over the vocabulary when
/// <see cref="TargetOutsideTargets"/> is true (t may then appear there too), else uniform over the vocabulary
/// without t.</item>
/// <item>Transition after every position j: with probability p_transition(n_j) the rule changes: (n, t) is
/// redrawn per <see cref="Transition"/> (always to a different rule) and the new phase is uniform on
/// 0 … n'−1, as if a new sequence started at j+1. Otherwise φ_{j+1} = (φ_j + 1) mod n_j with n and t kept.</item>
/// </list>
/// <see cref="PNoise"/> and <see cref="PTransition"/> are fixed probabilities, or null for the seed's default
/// 1/(5n), evaluated at the current n. Deterministic n-recurrence is p_noise = p_transition = 0.
/// </summary>
/// <param name="VocabSize">V ≥ 2, the number of tokens.</param>
/// <param name="MinN">The smallest period n (≥ 1).</param>
/// <param name="MaxN">The largest period n (≥ MinN).</param>
/// <param name="PNoise">p_noise in [0, 1], or null for 1/(5n).</param>
/// <param name="PTransition">p_transition in [0, 1], or null for 1/(5n).</param>
/// <param name="TargetOutsideTargets">Whether t may also occur at non-target positions (default true).</param>
/// <param name="FakeTarget">Where fake targets come from (default uniform).</param>
/// <param name="Transition">What a transition changes (default n and t).</param>
public sealed record NRecurrenceSpec(
    int VocabSize,
    int MinN,
    int MaxN,
    double? PNoise = null,
    double? PTransition = null,
    bool TargetOutsideTargets = true,
    FakeTargetSource FakeTarget = FakeTargetSource.Uniform,
    TransitionKind Transition = TransitionKind.NAndT)
{
    /// <summary>Deterministic n-recurrence: no noise, no transitions.</summary>
    public static NRecurrenceSpec Deterministic(int vocabSize, int minN, int maxN) => new(vocabSize, minN, maxN, 0.0, 0.0);

    /// <summary>Stochastic n-recurrence with the seed's default p_noise = p_transition = 1/(5n).</summary>
    public static NRecurrenceSpec Stochastic(int vocabSize, int minN, int maxN) => new(vocabSize, minN, maxN);

    /// <summary>The number of recent positions a <see cref="FakeTargetSource.RecentContext"/> fake is drawn from: 3n.</summary>
    public static int RecentWindow(int n) => 3 * n;

    /// <summary>The smallest context length the seed recommends: 3 × MaxN.</summary>
    public int MinContextLength => 3 * MaxN;

    /// <summary>p_noise at period n.</summary>
    public double NoiseProbability(int n) => PNoise ?? 1.0 / (5.0 * n);

    /// <summary>p_transition at period n.</summary>
    public double TransitionProbability(int n) => PTransition ?? 1.0 / (5.0 * n);

    /// <summary>Throws a one-line <see cref="ArgumentException"/> when the specification is not a valid process.</summary>
    public void Validate()
    {
        if (VocabSize < 2) throw new ArgumentException($"n-recurrence needs a vocabulary of at least 2 tokens (got {VocabSize}).");
        if (MinN < 1) throw new ArgumentException($"the smallest period n must be at least 1 (got {MinN}).");
        if (MaxN < MinN) throw new ArgumentException($"the largest period n ({MaxN}) must be at least the smallest ({MinN}).");
        if (MaxN > 1000) throw new ArgumentException($"the largest period n must be at most 1000 (got {MaxN}).");
        if (PNoise is { } noise && !(noise >= 0 && noise <= 1))
            throw new ArgumentException($"p_noise must lie in [0, 1] (got {noise}).");
        if (PTransition is { } transition && !(transition >= 0 && transition <= 1))
            throw new ArgumentException($"p_transition must lie in [0, 1] (got {transition}).");
        if (Transition == TransitionKind.NOnly && MinN == MaxN && TransitionProbability(MinN) > 0)
            throw new ArgumentException("transitions that change only n need at least two values of n; widen [MinN, MaxN] or change the transition kind.");
        if (!Enum.IsDefined(FakeTarget)) throw new ArgumentException($"unknown fake-target source {FakeTarget}.");
        if (!Enum.IsDefined(Transition)) throw new ArgumentException($"unknown transition kind {Transition}.");
    }
}
