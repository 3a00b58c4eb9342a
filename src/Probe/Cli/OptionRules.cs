using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Probing.Cli;

/// <summary>
/// Rules every <c>probe</c> option follows, installed once over the whole command tree so that no command
/// can forget them: numbers are read in the invariant culture with no thousands separators (the
/// user's locale never changes a value, and <c>1,5</c> is an error rather than 15); a given path or name
/// is never empty; <c>--threads</c> is bounded; a file input such as <c>--model</c> is a regular file
/// (a FIFO or a device would block the reader forever).
/// </summary>
public static class OptionRules
{
    /// <summary>Options that name an input file: checked to be a regular, non-empty file when it exists.</summary>
    private static readonly HashSet<string> FileInputs = new(StringComparer.Ordinal) { "--model", "--config", "--csv", "--grid" };

    /// <summary>Options that take a name or a file: checked like file inputs when the value looks like a path.</summary>
    private static readonly HashSet<string> NameOrFileInputs = new(StringComparer.Ordinal) { "--template" };

    /// <summary>String options where an empty value means something (none), or that the command explains itself.</summary>
    private static readonly HashSet<string> EmptyAllowed = new(StringComparer.Ordinal) { "--sweep-shots", "--prompt" };

    /// <summary>The largest <c>--threads</c>: four threads per core; more only thrashes the machine.</summary>
    public static int MaxThreads => 4 * Environment.ProcessorCount;

    /// <summary>Installs the rules on every option of <paramref name="command"/> and its subcommands.</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options) Apply(option);
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    private static void Apply(Option option)
    {
        switch (option)
        {
            case Option<int> o when o.CustomParser is null:
                o.CustomParser = r => r.Tokens.Count == 0 ? Default(o, r) : ParseInt(r, o.Name) ?? 0;
                break;
            case Option<int?> o when o.CustomParser is null:
                o.CustomParser = r => r.Tokens.Count == 0 ? Default(o, r) : ParseInt(r, o.Name);
                break;
            case Option<long> o when o.CustomParser is null:
                o.CustomParser = r => r.Tokens.Count == 0 ? Default(o, r) : ParseLong(r, o.Name) ?? 0;
                break;
            case Option<double> o when o.CustomParser is null:
                o.CustomParser = r => r.Tokens.Count == 0 ? Default(o, r) : ParseDouble(r, o.Name) ?? 0;
                break;
            case Option<double?> o when o.CustomParser is null:
                o.CustomParser = r => r.Tokens.Count == 0 ? Default(o, r) : ParseDouble(r, o.Name);
                break;
            case Option<string> or Option<string?> when !EmptyAllowed.Contains(option.Name):
                option.Validators.Add(result => CheckString(result, option.Name));
                break;
        }

        if (option.Name == "--threads")
        {
            option.Validators.Add(result =>
            {
                if (result.Implicit || result.Tokens.Count == 0) return;
                var value = result.GetValueOrDefault<int>();
                if (value < 0 || value > MaxThreads)
                    result.AddError(string.Create(CultureInfo.InvariantCulture,
                        $"--threads must be 0 (all cores) or a count up to {MaxThreads} (4 × the {Environment.ProcessorCount} cores here); got {value}."));
            });
        }
    }

    private static T? Default<T>(Option<T> option, ArgumentResult result) =>
        option.DefaultValueFactory is { } factory ? factory(result) : default;

    private static void CheckString(OptionResult result, string name)
    {
        if (result.Implicit || result.Tokens.Count == 0) return;
        var value = result.Tokens[^1].Value;
        if (string.IsNullOrWhiteSpace(value))
        {
            result.AddError($"{name} is empty; pass a value.");
            return;
        }
        var isFile = FileInputs.Contains(name)
            || (NameOrFileInputs.Contains(name) && (value.Contains('/', StringComparison.Ordinal) || value.EndsWith(".json", StringComparison.OrdinalIgnoreCase)));
        if (isFile && InputFileProblem(value) is { } problem) result.AddError($"{name} {problem}");
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be read as an input file, or null when it can (or does not exist: the
    /// command reports a missing file itself). A FIFO, socket or device has no length; opening one blocks or never ends.
    /// </summary>
    public static string? InputFileProblem(string path)
    {
        if (Directory.Exists(path)) return $"'{path}' is a folder; pass a file.";
        var file = new FileInfo(path);
        if (!file.Exists) return null;
        if (file.Length == 0) return $"'{path}' is empty or not a regular file (a FIFO, socket or device); pass a regular file.";
        return null;
    }

    /// <summary>The input file at <paramref name="path"/>; throws a one-line error when it is a folder, FIFO, device or empty.</summary>
    public static string RequireInputFile(string path, string what)
    {
        if (InputFileProblem(path) is { } problem) throw new UsageException($"{what} {problem}");
        return path;
    }

    private static int? ParseInt(ArgumentResult result, string name)
    {
        var text = result.Tokens[^1].Value;
        var value = ParseLong(result, name);
        if (value is null) return null;
        if (value is < int.MinValue or > int.MaxValue)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} {text} is out of range; the largest accepted is {int.MaxValue} (and a command bounds it further)."));
            return null;
        }
        return (int)value.Value;
    }

    private static long? ParseLong(ArgumentResult result, string name)
    {
        var text = result.Tokens[^1].Value;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        var digitsOnly = text.Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit);
        result.AddError(digitsOnly
            ? $"{name} {Show(text)} is out of range."
            : $"{name} expects a whole number such as 4, got {Show(text)} (no decimal point, exponent or thousands separator).");
        return null;
    }

    private static double? ParseDouble(ArgumentResult result, string name)
    {
        var text = result.Tokens[^1].Value;
        // Float: sign, digits, '.' and exponent only; no thousands separators, so "1,5" fails instead of reading 15.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            // A non-zero number below the smallest double (1e-400) reads as 0: refused, since 0 often means something else.
            if (value != 0 || !MantissaHasNonZeroDigit(text)) return value;
            result.AddError($"{name} {Show(text)} is too small for a double and would be read as 0; pass 0 itself, or a value of at least 5e-324.");
            return null;
        }
        result.AddError(text.Contains(',', StringComparison.Ordinal)
            ? $"{name} expects a number written with a '.' decimal point, such as 1.5; got {Show(text)} (commas are not accepted)."
            : $"{name} expects a finite number such as 0.5 or 1e-3, got {Show(text)}.");
        return null;
    }

    /// <summary>Whether the digits before the exponent of a number include one other than 0 (so the number is not zero).</summary>
    private static bool MantissaHasNonZeroDigit(string text)
    {
        var end = text.IndexOfAny(['e', 'E']);
        return (end < 0 ? text : text[..end]).Any(c => c is >= '1' and <= '9');
    }

    /// <summary>A user's text quoted for a message, with control characters made visible and long text cut.</summary>
    public static string Show(string text)
    {
        var cut = text.Length > 60 ? text[..60] + "…" : text;
        return "'" + string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + "'";
    }
}
