using System.Globalization;
using System.Text;

namespace Probing.Gguf;

/// <summary>
/// Strings read from a GGUF file (keys, tensor names, <c>general.name</c>) as a one-line message or a terminal table
/// shows them: a damaged or hostile file can hold newlines, terminal escapes or bidi overrides in any of them.
/// </summary>
public static class GgufText
{
    /// <summary>Longest key or name a message shows before an ellipsis.</summary>
    public const int MaxShownLength = 80;

    /// <summary>
    /// <paramref name="text"/> fit for one line: control characters, format characters (bidi overrides, …) and line or
    /// paragraph separators escaped as \uXXXX.
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(IsHidden)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            if (IsHidden(c)) escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else escaped.Append(c);
        return escaped.ToString();
    }

    /// <summary>A key or name as a message shows it: at most <see cref="MaxShownLength"/> characters (never half a surrogate pair), then an ellipsis.</summary>
    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxShownLength) return text;
        var cut = char.IsHighSurrogate(text[MaxShownLength - 1]) ? MaxShownLength - 1 : MaxShownLength;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private static bool IsHidden(char c) => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
