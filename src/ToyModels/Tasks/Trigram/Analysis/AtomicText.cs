using System.Globalization;
using System.Text;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Writes text files atomically (temporary file in the same folder, then rename) and formats CSV.</summary>
internal static class AtomicText
{
    public static void Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, text, new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    public static void Csv(string path, string header, IEnumerable<IEnumerable<object>> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var row in rows) sb.AppendJoin(',', row.Select(Cell)).Append('\n');
        Write(path, sb.ToString());
    }

    public static string Cell(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string F(double value, int digits = 4) => double.IsNaN(value) ? "n/a" : value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
