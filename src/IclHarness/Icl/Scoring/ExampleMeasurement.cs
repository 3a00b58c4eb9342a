namespace Probing.IclHarness.Icl.Scoring;

/// <summary>
/// The measurements of one example of one context (one row of examples.csv). Built with an object initializer so
/// each value is named; the properties are in the order of the shard files' JSON.
/// </summary>
public sealed record ExampleMeasurement
{
    /// <summary>Context number, from 1.</summary>
    public required int Context { get; init; }

    /// <summary>The function of the context.</summary>
    public required string Function { get; init; }

    /// <summary>Example number in the context, from 1.</summary>
    public required int Index { get; init; }

    /// <summary>The input.</summary>
    public required long X { get; init; }

    /// <summary>The correct answer.</summary>
    public required long Y { get; init; }

    /// <summary>Tokens scored: the answer's plus the closing token.</summary>
    public required int ScoredTokens { get; init; }

    /// <summary>−ln P(answer and closing token | everything before).</summary>
    public required double SurprisalNats { get; init; }

    /// <summary>The same in bits.</summary>
    public required double SurprisalBits { get; init; }

    /// <summary>Surprisal of the answer's first informative token (its first token that is not whitespace) alone, in bits.</summary>
    public required double FirstTokenSurprisalBits { get; init; }

    /// <summary>P(correct answer) = exp(−SurprisalNats).</summary>
    public required double PCorrect { get; init; }

    /// <summary>Rank of the correct first informative token (1 = most likely).</summary>
    public required int FirstTokenRank { get; init; }

    /// <summary>Whether greedy decoding would produce exactly the answer and its closing token.</summary>
    public required bool GreedyCorrect { get; init; }

    /// <summary>Σ surprisal in bits over examples 1..Index.</summary>
    public required double CumulativeBits { get; init; }

    /// <summary>Surprisal of the ideal discrete learner for the same example.</summary>
    public required double IdealSurprisalBits { get; init; }

    /// <summary>
    /// The text of the answer's first informative token, whose rank and surprisal the first-token figures give:
    /// the whole number on Llama 3 (" 15" on GPT-2, with its space), the first digit on Llama 2 and Qwen2, the
    /// minus sign of a negative answer where the vocabulary splits it off.
    /// </summary>
    public string FirstToken { get; init; } = "";
}
