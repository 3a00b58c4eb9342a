namespace Probing.IclHarness.Icl;

/// <summary>The measurements of one example of one context (one row of examples.csv).</summary>
/// <param name="Context">Context number, from 1.</param>
/// <param name="Function">The function of the context.</param>
/// <param name="Index">Example number in the context, from 1.</param>
/// <param name="X">The input.</param>
/// <param name="Y">The correct answer.</param>
/// <param name="ScoredTokens">Tokens scored: the answer's plus the closing token.</param>
/// <param name="SurprisalNats">−ln P(answer and closing token | everything before).</param>
/// <param name="SurprisalBits">The same in bits.</param>
/// <param name="FirstTokenSurprisalBits">Surprisal of the answer's first informative token (its first token that is not whitespace) alone, in bits.</param>
/// <param name="PCorrect">P(correct answer) = exp(−SurprisalNats).</param>
/// <param name="FirstTokenRank">Rank of the correct first informative token (1 = most likely).</param>
/// <param name="GreedyCorrect">Whether greedy decoding would produce exactly the answer and its closing token.</param>
/// <param name="CumulativeBits">Σ surprisal in bits over examples 1..Index.</param>
/// <param name="IdealSurprisalBits">Surprisal of the ideal discrete learner for the same example.</param>
public sealed record ExampleMeasurement(
    int Context, string Function, int Index, long X, long Y, int ScoredTokens,
    double SurprisalNats, double SurprisalBits, double FirstTokenSurprisalBits, double PCorrect,
    int FirstTokenRank, bool GreedyCorrect, double CumulativeBits, double IdealSurprisalBits)
{
    /// <summary>
    /// The text of the answer's first informative token, whose rank and surprisal the first-token figures give:
    /// the whole number on Llama 3 (" 15" on GPT-2, with its space), the first digit on Llama 2 and Qwen2, the
    /// minus sign of a negative answer where the vocabulary splits it off.
    /// </summary>
    public string FirstToken { get; init; } = "";
}
