using Spectre.Console;

namespace Probing.Cli.BayesCli;

/// <summary>A Spectre console that writes plain text (no colour codes) to the command's output.</summary>
internal static class BayesConsole
{
    public static IAnsiConsole For(CliContext context) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(context.Out),
    });

    /// <summary>A table whose headers are plain text (no Spectre markup).</summary>
    public static Table PlainTable(params string[] headers)
    {
        var table = new Table();
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header)));
        return table;
    }

    /// <summary>Adds a row of plain text cells (brackets and the like are not markup).</summary>
    public static void AddPlainRow(this Table table, params string[] cells) =>
        table.AddRow(cells.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)).ToArray());

    public static string F(double value, string format = "0.0000") => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Throws a <see cref="UsageException"/> unless 0 &lt; value &lt; 1.</summary>
    public static void RequireOpenUnit(double value, string option)
    {
        if (!(value > 0 && value < 1)) throw new UsageException($"{option} must lie strictly between 0 and 1 (got {F(value, "R")}).");
    }

    /// <summary>Throws a <see cref="UsageException"/> unless value is a positive finite number.</summary>
    public static void RequirePositive(double value, string option)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new UsageException($"{option} must be a positive number (got {F(value, "R")}).");
    }

    /// <summary>Throws a <see cref="UsageException"/> unless lo ≤ value ≤ hi.</summary>
    public static void RequireRange(int value, int lo, int hi, string option)
    {
        if (value < lo || value > hi) throw new UsageException($"{option} must lie in {lo} … {hi} (got {value}).");
    }
}
