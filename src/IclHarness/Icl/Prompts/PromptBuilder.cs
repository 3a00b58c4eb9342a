using System.Globalization;
using System.Text;
using Probing.IclHarness.Icl.Tasks;

namespace Probing.IclHarness.Icl.Prompts;

/// <summary>Writes examples into a prompt with a <see cref="PromptTemplate"/>.</summary>
public static class PromptBuilder
{
    /// <summary>
    /// The context with every example complete (each answer followed by the closing text and the separator, the
    /// last one included), then the next example's opening text; and the character span of each answer. After the
    /// last answer the text goes on as after every other one, so a tokenizer that merges the close with what follows
    /// (<c>),</c> in Llama 3, GPT-2, Qwen2; a lone <c>\n</c> before "Input" but <c>\n\n</c> at the end of a GPT-2 text)
    /// closes every answer with the same token.
    /// </summary>
    public static PromptText Build(PromptTemplate template, IReadOnlyList<IclExample> examples)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(examples);
        var (sb, starts, ends) = Examples(template, examples);
        sb.Append(template.Open);
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
        return Examples(template, examples.Take(k).ToList()).Text.Append(template.Query(x)).ToString();
    }

    private static (StringBuilder Text, List<int> Starts, List<int> Ends) Examples(PromptTemplate template, IReadOnlyList<IclExample> examples)
    {
        var sb = new StringBuilder(template.Prefix);
        var starts = new List<int>();
        var ends = new List<int>();
        foreach (var example in examples)
        {
            sb.Append(template.Query(example.X));
            starts.Add(sb.Length);
            sb.Append(template.AnswerPrefix).Append(example.Y.ToString(CultureInfo.InvariantCulture));
            ends.Add(sb.Length);
            sb.Append(template.Close).Append(template.Separator);
        }
        return (sb, starts, ends);
    }
}
