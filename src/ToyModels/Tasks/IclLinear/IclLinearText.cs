using System.Globalization;
using System.Text;

namespace Probing.ToyModels.Tasks.IclLinear;

/// <summary>
/// Writes one training sequence in the ICL harness's default <c>pairs</c> template,
/// <c>(x, y), (x, y), …</c>, character by character, and marks the answer characters
/// (<c>" " + y + ")"</c>, exactly what <c>probe icl</c> scores) with their example index.
/// </summary>
internal static class IclLinearText
{
    /// <summary>The vocabulary: digits first (so token id = digit), then the template's punctuation.</summary>
    public static readonly string[] Vocabulary = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "(", ")", ",", " "];

    /// <summary>
    /// Fills <paramref name="length"/> characters with examples of f(x) = a·x + b, x drawn without
    /// replacement within each pass over the x range (as the harness's default <c>--distinct</c>).
    /// <paramref name="exampleOfChar"/>[i] is the 1-based example index when character i is part of an
    /// answer, else 0.
    /// </summary>
    public static void Write(int a, int b, IclLinearFamily family, int length, Random random, Span<long> tokens, Span<int> exampleOfChar)
    {
        var xs = Enumerable.Range(family.XMin, family.XMax - family.XMin + 1).ToArray();
        var next = xs.Length;
        var position = 0;
        var example = 0;
        var text = new StringBuilder();
        while (position < length)
        {
            if (next == xs.Length)
            {
                random.Shuffle(xs);
                next = 0;
            }

            var x = xs[next++];
            example++;
            var y = a * x + b;
            var separator = example == 1 ? "" : ", ";
            var question = separator + "(" + x.ToString(CultureInfo.InvariantCulture) + ",";
            var answer = " " + y.ToString(CultureInfo.InvariantCulture) + ")";
            foreach (var c in question)
            {
                if (position == length) return;
                tokens[position] = Id(c);
                exampleOfChar[position++] = 0;
            }

            foreach (var c in answer)
            {
                if (position == length) return;
                tokens[position] = Id(c);
                exampleOfChar[position++] = example;
            }
        }
    }

    private static long Id(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '(' => 10,
        ')' => 11,
        ',' => 12,
        ' ' => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(c), $"character '{c}' is not in the icl-linear vocabulary"),
    };
}
