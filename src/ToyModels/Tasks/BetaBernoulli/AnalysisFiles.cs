using System.Globalization;
using System.Text;
using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Atomic CSV, PNG and text writers for analysis outputs (temp file in the same folder, then rename).</summary>
public static class AnalysisFiles
{
    /// <summary>Image size of every analysis figure, in pixels.</summary>
    public const int Width = 720, Height = 520;

    /// <summary>Writes a CSV with a header row; numbers use the invariant culture and round-trip precision.</summary>
    public static void WriteCsv(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object>> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', header));
        foreach (var row in rows) sb.AppendLine(string.Join(',', row.Select(Cell)));
        WriteText(path, sb.ToString());
    }

    /// <summary>Writes text atomically.</summary>
    public static void WriteText(string path, string text)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Saves a plot as PNG atomically.</summary>
    public static void SavePng(Plot plot, string path, int width = Width, int height = Height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp.png");
        plot.SavePng(temp, width, height);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Formats a number for a report: 4 significant decimals, invariant culture.</summary>
    public static string F(double value, string format = "0.0000") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Cell(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s when s.Contains(',') || s.Contains('"') => $"\"{s.Replace("\"", "\"\"")}\"",
        _ => value.ToString() ?? "",
    };
}
