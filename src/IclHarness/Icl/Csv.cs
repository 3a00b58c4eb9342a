using System.Globalization;
using System.Text;

namespace Probing.IclHarness.Icl;

/// <summary>Minimal RFC 4180 CSV with invariant, round-trip number formatting (so files are byte-identical across runs).</summary>
internal sealed class Csv
{
    private readonly StringBuilder _sb = new();

    public Csv(params string[] header) => Row(header);

    public Csv Row(params object?[] cells)
    {
        _sb.Append(string.Join(',', cells.Select(Format))).Append('\n');
        return this;
    }

    public override string ToString() => _sb.ToString();

    public static string Number(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";

    private static string Format(object? cell) => cell switch
    {
        null => "",
        double d => Number(d),
        float f => Number(f),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(cell.ToString() ?? ""),
    };

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 && s.Trim() == s ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
