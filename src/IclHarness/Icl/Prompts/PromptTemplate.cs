using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Probing.IclHarness.Icl.Prompts;

/// <summary>
/// How examples are written into a prompt. An example reads
/// <c>open + x + between + answer_prefix + y + close + separator</c>; the scored answer is
/// <c>answer_prefix + y</c> plus the first token of <c>close</c> (the token that closes the answer).
/// Templates are JSON files in <c>prompts/</c> (see <c>docs/icl.md</c>).
/// </summary>
/// <param name="Name">Template name (the file name without <c>.json</c>).</param>
/// <param name="Description">One line for humans.</param>
/// <param name="Prefix">Text before the first example.</param>
/// <param name="Open">Text before each x.</param>
/// <param name="Between">Text between x and the answer; the prompt for an answer ends here.</param>
/// <param name="AnswerPrefix">Text scored as part of the answer, before y (the seed's leading space).</param>
/// <param name="Close">Text that closes an answer; its first token is scored with the answer.</param>
/// <param name="Separator">Text between examples.</param>
public sealed record PromptTemplate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("open")] string Open,
    [property: JsonPropertyName("between")] string Between,
    [property: JsonPropertyName("answer_prefix")] string AnswerPrefix,
    [property: JsonPropertyName("close")] string Close,
    [property: JsonPropertyName("separator")] string Separator)
{
    /// <summary>The default template, the seed's <c>(x, y), </c> format.</summary>
    public const string DefaultName = "pairs";

    /// <summary>The text that states x for the example (everything up to where the answer starts).</summary>
    public string Query(long x) => Open + x.ToString(CultureInfo.InvariantCulture) + Between;

    /// <summary>The answer text as scored (without the closing text).</summary>
    public string Answer(long y) => AnswerPrefix + y.ToString(CultureInfo.InvariantCulture);

    // A misspelt field ("seperator") or a field given twice is an error, not a silent default.
    private static readonly JsonSerializerOptions StrictJson = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Largest template file read (a template is a few hundred bytes).</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>Loads a template from a JSON file and checks it.</summary>
    public static PromptTemplate LoadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"template file '{path}' does not exist; pass a template name or an existing .json file", path);
        // Bounded before reading: a template is a few hundred bytes, and a huge one would be read whole.
        var size = new FileInfo(path).Length;
        if (size > MaxFileBytes)
            throw new InvalidDataException($"template file '{path}' is {size} bytes, more than a template's limit of {MaxFileBytes} (1 MB); pass the template's own small .json file (see docs/icl.md)");
        PromptTemplate? template;
        try
        {
            var text = File.ReadAllText(path);
            // Deserializing an array or a number names the C# type; say what a template is instead.
            using (var doc = JsonDocument.Parse(text))
                if (doc.RootElement.ValueKind is not JsonValueKind.Object and not JsonValueKind.Null)
                    throw new InvalidDataException($"template file '{path}' holds a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object; a template is one object {{\"prefix\": …, \"open\": …, \"between\": …, \"answer_prefix\": …, \"close\": …, \"separator\": …}} (see docs/icl.md)");
            template = JsonSerializer.Deserialize<PromptTemplate>(text, StrictJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"template file '{path}' is not valid JSON ({ex.Message.Split('\n')[0]}); see docs/icl.md for the format");
        }
        if (template is null) throw new InvalidDataException($"template file '{path}' is empty; see docs/icl.md for the format");
        template = template with { Name = string.IsNullOrEmpty(template.Name) ? Path.GetFileNameWithoutExtension(path) : template.Name };
        template.Validate(path);
        return template;
    }

    /// <summary>Loads a template by name from <paramref name="directory"/>, or from a file when given a path to a .json file.</summary>
    public static PromptTemplate Load(string nameOrPath, string directory)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || nameOrPath.Contains('/', StringComparison.Ordinal))
            return LoadFile(nameOrPath);
        var file = Path.Combine(directory, nameOrPath + ".json");
        if (File.Exists(file)) return LoadFile(file);
        var known = Directory.Exists(directory)
            ? string.Join(", ", Directory.GetFiles(directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
            : "(none found)";
        throw new ArgumentException($"unknown template '{nameOrPath}'; available: {known} (or a .json file)");
    }

    /// <summary>The <c>prompts/</c> folder next to the running program, where the build copies the templates.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "prompts");

    private void Validate(string path)
    {
        string?[] required = [Prefix, Open, Between, AnswerPrefix, Close, Separator];
        if (required.Any(s => s is null))
            throw new InvalidDataException($"template file '{path}' must set prefix, open, between, answer_prefix, close and separator (use \"\" for none)");
        if (Close.Length == 0)
            throw new InvalidDataException($"template '{Name}' has an empty 'close'; the token that closes an answer is needed to score where the answer ends");
        if (Close[0] is '-' || char.IsAsciiDigit(Close[0]))
            throw new InvalidDataException($"template '{Name}': 'close' must not start with a digit or '-', or the end of an answer would be ambiguous");
        // The answer is answer_prefix + y and is scored whole: a digit or '-' in answer_prefix would be read as part of
        // the number (" 1" + "5" is " 15") and would be the answer's first informative token.
        if (AnswerPrefix.FirstOrDefault(TouchesNumber) is var bad and not '\0')
            throw new InvalidDataException($"template '{Name}': 'answer_prefix' \"{AnswerPrefix}\" contains '{bad}', which would be scored as part of the answer (\" 1\" + 5 reads as \" 15\"); keep digits and '-' out of answer_prefix (e.g. \" \") and put other text in 'between'");
        if (AnswerPrefix.Length == 0 && Between.Length > 0 && TouchesNumber(Between[^1]))
            throw new InvalidDataException($"template '{Name}': 'between' must not end with a digit or '-' when 'answer_prefix' is empty, or it would merge with the answer; end it with other text or set answer_prefix to \" \"");
        if (AnswerPrefix.Length == 0 && Between.Length == 0)
            throw new InvalidDataException($"template '{Name}': 'between' and 'answer_prefix' are both empty, so x and the answer would run together (1 and 5 read as 15); set 'between' (e.g. \",\") or 'answer_prefix' (e.g. \" \")");
        // x must not merge with the template either, or the prompt states another x.
        if ((Between + AnswerPrefix) is [var afterX, ..] && char.IsAsciiDigit(afterX))
            throw new InvalidDataException($"template '{Name}': '{(Between.Length > 0 ? "between" : "answer_prefix")}' must not start with a digit, or it would merge with x; start it with other text (e.g. \",\")");
        if (Open is [.., var beforeX] && TouchesNumber(beforeX))
            throw new InvalidDataException($"template '{Name}': 'open' must not end with a digit or '-', or it would merge with x; end it with other text (e.g. \"(\")");
        // With an empty 'open', x follows the prefix (first example) or close + separator (every later one).
        if (Open.Length == 0 && Prefix is [.., var endOfPrefix] && TouchesNumber(endOfPrefix))
            throw new InvalidDataException($"template '{Name}': 'prefix' must not end with a digit or '-' when 'open' is empty, or it would merge with the first x; end it with other text or set 'open' (e.g. \"(\")");
        if (Open.Length == 0 && (Close + Separator) is [.., var beforeNextX] && TouchesNumber(beforeNextX))
            throw new InvalidDataException($"template '{Name}': '{(Separator.Length > 0 ? "separator" : "close")}' must not end with a digit or '-' when 'open' is empty, or it would merge with the next x; end it with other text or set 'open' (e.g. \"(\")");
    }

    private static bool TouchesNumber(char c) => char.IsAsciiDigit(c) || c == '-';
}
