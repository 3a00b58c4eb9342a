namespace Probing.IclHarness.Icl.Scoring;

/// <summary>The logit lens at the position before one answer's first informative token (its first digit or sign), at one layer (one row of lens.csv).</summary>
/// <param name="Context">Context number, from 1.</param>
/// <param name="Index">Example number, from 1.</param>
/// <param name="Layer">Block whose output residual (l_out-Layer) is unembedded.</param>
/// <param name="PCorrectFirst">Probability of the answer's correct first informative token.</param>
/// <param name="RankCorrectFirst">Its rank (1 = top).</param>
/// <param name="TopTokens">The five most likely pieces, most likely first.</param>
/// <param name="TopProbabilities">Their probabilities.</param>
/// <param name="TopIsNumeric">Whether the top piece is a number.</param>
public sealed record LensMeasurement(
    int Context, int Index, int Layer, double PCorrectFirst, int RankCorrectFirst,
    IReadOnlyList<string> TopTokens, IReadOnlyList<double> TopProbabilities, bool TopIsNumeric)
{
    /// <summary>The text of the correct first informative token the row reads.</summary>
    public string FirstToken { get; init; } = "";
}
