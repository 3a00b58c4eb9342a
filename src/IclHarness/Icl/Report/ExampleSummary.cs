namespace Probing.IclHarness.Icl.Report;

/// <summary>Example i averaged over contexts.</summary>
/// <param name="Index">Example number, from 1.</param>
/// <param name="SurprisalBits">Answer surprisal in bits.</param>
/// <param name="SurprisalNats">Answer surprisal in nats.</param>
/// <param name="FirstTokenSurprisalBits">First-token surprisal in bits.</param>
/// <param name="PCorrect">P(correct answer).</param>
/// <param name="CumulativeBits">Σ surprisal up to this example.</param>
/// <param name="GreedyAccuracy">Fraction of contexts where greedy decoding gives the answer.</param>
/// <param name="FirstTokenRank">Rank of the correct first token.</param>
/// <param name="IdealSurprisalBits">Mean surprisal of the ideal learner.</param>
/// <param name="IdealPCorrect">Mean P(correct) of the ideal learner.</param>
public sealed record ExampleSummary(
    int Index, MeanInterval SurprisalBits, MeanInterval SurprisalNats, MeanInterval FirstTokenSurprisalBits,
    MeanInterval PCorrect, MeanInterval CumulativeBits, MeanInterval GreedyAccuracy, MeanInterval FirstTokenRank,
    double IdealSurprisalBits, double IdealPCorrect);
