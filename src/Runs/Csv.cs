using System.Globalization;
using System.Text;

namespace Probing.Runs;

/// <summary>
/// RFC 4180 CSV with one convention for every file the tools write: numbers in the invariant culture at
/// round-trip precision (<c>nan</c>, <c>inf</c>, <c>-inf</c> for non-finite values), booleans as <c>1</c>/<c>0</c>,
/// empty cells for missing values, <c>\n</c> line ends, and quotes only where a cell needs them.
/// </summary>
public sealed class Csv
{
    private readonly StringBuilder _text = new();

    /// <summary>Starts a CSV with its header row.</summary>
    public Csv(params string[] header) => Row(header);

    /// <summary>Appends one row.</summary>
    public Csv Row(params object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        _text.AppendJoin(',', cells.Select(Cell)).Append('\n');
        return this;
    }

    /// <summary>The CSV text.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>Writes the CSV to <paramref name="path"/> atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToString());

    /// <summary>A number as the CSV writes it.</summary>
    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : value > 0 ? "inf" : value < 0 ? "-inf" : "nan";

    /// <summary>A single-precision number at its own round-trip precision (not widened to double's digits).</summary>
    public static string Number(float value) =>
        float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : value > 0 ? "inf" : value < 0 ? "-inf" : "nan";

    /// <summary>One cell as the CSV writes it.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        double d => Number(d),
        float f => Number(f),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 && s.Trim() == s ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
