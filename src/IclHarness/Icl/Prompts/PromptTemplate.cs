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

    /// <summary>Loads a template from a JSON file and checks it.</summary>
    public static PromptTemplate LoadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"template file '{path}' does not exist; pass a template name or an existing .json file", path);
        PromptTemplate? template;
        try
        {
            template = JsonSerializer.Deserialize<PromptTemplate>(File.ReadAllText(path), StrictJson);
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
        if (AnswerPrefix.Length == 0 && Between.Length > 0 && (char.IsAsciiDigit(Between[^1]) || Between[^1] == '-'))
            throw new InvalidDataException($"template '{Name}': 'between' must not end with a digit or '-' when 'answer_prefix' is empty");
    }
}
