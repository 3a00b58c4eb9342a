using System.Globalization;
using System.Text;

namespace Probing.IclHarness.Icl;

/// <summary>Writes examples into a prompt with a <see cref="PromptTemplate"/>.</summary>
public static class PromptBuilder
{
    /// <summary>
    /// The context with every example complete (each answer followed by the closing text and, except after
    /// the last, the separator), and the character span of each answer.
    /// </summary>
    public static PromptText Build(PromptTemplate template, IReadOnlyList<IclExample> examples)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(examples);
        var sb = new StringBuilder(template.Prefix);
        var starts = new List<int>();
        var ends = new List<int>();
        for (var i = 0; i < examples.Count; i++)
        {
            if (i > 0) sb.Append(template.Separator);
            sb.Append(template.Query(examples[i].X));
            starts.Add(sb.Length);
            sb.Append(template.AnswerPrefix).Append(examples[i].Y.ToString(CultureInfo.InvariantCulture));
            ends.Add(sb.Length);
            sb.Append(template.Close);
        }
        return new PromptText(sb.ToString(), starts, ends);
    }

    /// <summary>
    /// The first <paramref name="k"/> examples followed by an open query for <paramref name="x"/>: the text ends
    /// where the answer would start (the sweep's prompt).
    /// </summary>
    public static string Query(PromptTemplate template, IReadOnlyList<IclExample> examples, int k, long x)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(examples);
        var text = k == 0 ? template.Prefix : Build(template, examples.Take(k).ToList()).Text + template.Separator;
        return text + template.Query(x);
    }
}
