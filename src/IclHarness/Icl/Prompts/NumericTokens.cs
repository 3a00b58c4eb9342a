using System.Globalization;
using Probing.IclHarness.Icl.Scoring;

namespace Probing.IclHarness.Icl.Prompts;

/// <summary>
/// Which vocabulary entries are numbers. A token is <i>numeric</i> when its piece, without leading spaces,
/// is a non-empty run of digits, optionally after a '-'. An <i>integer token</i> for value n is a token whose
/// piece (leading spaces dropped) is exactly n in decimal without leading zeros; on a character-level
/// vocabulary only 0..9 have integer tokens, since multi-digit numbers span several tokens.
/// </summary>
internal sealed class NumericTokens
{
    private readonly bool[] _numeric;
    private readonly string[] _pieces;

    public NumericTokens(IScoringModel model, int maxInteger)
    {
        _numeric = new bool[model.VocabSize];
        _pieces = new string[model.VocabSize];
        var byValue = new List<int>[maxInteger + 1];
        for (var t = 0; t < model.VocabSize; t++)
        {
            var piece = _pieces[t] = model.Piece(t).TrimStart(' ', '\u2581');
            _numeric[t] = IsNumber(piece);
            if (piece.Length == 0 || !piece.All(char.IsAsciiDigit) || (piece.Length > 1 && piece[0] == '0')) continue;
            if (!int.TryParse(piece, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > maxInteger) continue;
            (byValue[value] ??= []).Add(t);
        }
        IntegerTokens = byValue.Select(l => (IReadOnlyList<int>)(l ?? [])).ToArray();
    }

    /// <summary>Entry n: the tokens whose piece is the integer n (possibly several, e.g. "15" and " 15").</summary>
    public IReadOnlyList<IReadOnlyList<int>> IntegerTokens { get; }

    /// <summary>True when the token's piece, leading spaces dropped, starts with a digit (not a minus sign).</summary>
    public bool StartsWithDigit(int token)
    {
        var piece = _pieces[token];
        return piece.Length > 0 && char.IsAsciiDigit(piece[0]);
    }

    /// <summary>True when the token's piece is a number.</summary>
    public bool IsNumeric(int token) => token >= 0 && token < _numeric.Length && _numeric[token];

    private static bool IsNumber(string piece)
    {
        var digits = piece.StartsWith('-') ? piece[1..] : piece;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }
}
