using System.Globalization;
using Probing.Runs;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>The trigram analysis's text and CSV files, through the run-output layer (atomic, one CSV convention).</summary>
internal static class AtomicText
{
    public static void Write(string path, string text) => AtomicFile.WriteAllText(path, text);

    public static void Csv(string path, string header, IEnumerable<IEnumerable<object>> rows)
    {
        var csv = new Runs.Csv(header.Split(','));
        foreach (var row in rows) csv.Row([.. row]);
        csv.Write(path);
    }

    public static string F(double value, int digits = 4) => double.IsNaN(value) ? "n/a" : value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
