using System.Globalization;
using Probing.Runs;
using ScottPlot;

namespace Probing.ToyModels.Analysis;

/// <summary>CSV, PNG and text writers for analysis outputs, through the run-output layer (atomic, one CSV convention).</summary>
public static class AnalysisFiles
{
    /// <summary>Image size of every analysis figure, in pixels.</summary>
    public const int Width = 720, Height = 520;

    /// <summary>Writes a CSV with a header row (see <see cref="Csv"/> for the convention).</summary>
    public static void WriteCsv(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new Csv([.. header]);
        foreach (var row in rows) csv.Row([.. row]);
        csv.Write(path);
    }

    /// <summary>Writes text atomically.</summary>
    public static void WriteText(string path, string text) => AtomicFile.WriteAllText(path, text);

    /// <summary>Saves a plot as PNG atomically.</summary>
    public static void SavePng(Plot plot, string path, int width = Width, int height = Height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        AtomicFile.WritePng(path, temp => plot.SavePng(temp, width, height));
    }

    /// <summary>Formats a number for a report: 4 significant decimals, invariant culture.</summary>
    public static string F(double value, string format = "0.0000") => value.ToString(format, CultureInfo.InvariantCulture);
}
