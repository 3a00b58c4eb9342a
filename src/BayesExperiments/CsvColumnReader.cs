using System.Globalization;

namespace Probing.BayesExperiments;

/// <summary>
/// Reads one numeric column from a CSV file. The first row is a header unless every cell in it is a number.
/// Without a column name it takes <c>p_correct</c>, then <c>p_a</c> (what <c>probe bayes simulate</c> writes),
/// then the only column; with a header-less file a 1-based column number works too.
/// </summary>
public static class CsvColumnReader
{
    private static readonly string[] PreferredColumns = ["p_correct", "p_a"];

    /// <summary>Reads the column named <paramref name="column"/> (or the default one) of the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is empty or has no data rows.</exception>
    /// <exception cref="FormatException">A blank row between data rows, a repeated header, a short row or a cell that is not a number.</exception>
    /// <exception cref="ArgumentException">The named column is not there; or no column was named and the choice is
    /// ambiguous (then <see cref="ArgumentException.ParamName"/> is <c>column</c>).</exception>
    public static CsvColumn Read(string path, string? column)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file '{path}' does not exist; pass an existing file.", path);
        var all = File.ReadAllLines(path)
            .Select((line, index) => (Line: index + 1, Cells: Split(line)))
            .ToList();
        static bool Blank((int Line, string[] Cells) row) => row.Cells.Length == 0 || (row.Cells.Length == 1 && row.Cells[0].Length == 0);
        // Blank lines at the ends are layout; one between rows would silently shift every later example's index.
        var first = all.FindIndex(row => !Blank(row));
        var last = all.FindLastIndex(row => !Blank(row));
        if (first < 0) throw new InvalidDataException($"CSV file '{path}' is empty; it needs a header row and one number per row.");
        var rows = all.GetRange(first, last - first + 1);
        if (rows.FirstOrDefault(Blank) is { Cells: not null } gap)
            throw new FormatException($"{path}, line {gap.Line}: blank row between data rows; each row is one example in prompt order, so remove it or fill in the value.");

        var hasHeader = !rows[0].Cells.All(cell => TryParse(cell, out _));
        var header = hasHeader ? rows[0].Cells : Enumerable.Range(1, rows[0].Cells.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new FormatException($"{path}: column '{twice.Key}' appears {twice.Count()} times in the header; rename or remove the extra one.");
        var index = ChooseColumn(path, header, column, hasHeader);
        var name = header[index];
        var data = hasHeader ? rows.Skip(1).ToList() : rows;
        if (data.Count == 0) throw new InvalidDataException($"CSV file '{path}' has a header but no data rows.");
        var values = new double[data.Count];
        for (var r = 0; r < data.Count; r++)
        {
            var (line, cells) = data[r];
            if (cells.Length > header.Length)
                throw new FormatException($"{path}, line {line}: {cells.Length} cells but the header has {header.Length}; write decimals with a '.' (0.5, not 0,5) and no thousands separators.");
            if (cells.Length <= index)
                throw new FormatException($"{path}, line {line}: expected at least {index + 1} columns but found {cells.Length}; every row needs a value in column '{name}'.");
            if (!TryParse(cells[index], out values[r]))
                throw new FormatException($"{path}, line {line}: '{cells[index]}' in column '{name}' is not a number; use plain decimals such as 0.25.");
        }

        return new CsvColumn(name, values);
    }

    private static int ChooseColumn(string path, string[] header, string? column, bool hasHeader)
    {
        if (!string.IsNullOrWhiteSpace(column))
        {
            var wanted = column.Trim();
            var found = Array.FindIndex(header, h => string.Equals(h, wanted, StringComparison.OrdinalIgnoreCase));
            if (found >= 0) return found;
            throw new ArgumentException($"column '{wanted}' is not in '{path}' (columns: {string.Join(", ", header)}){(hasHeader ? "" : "; the file has no header, so name a column by its 1-based number")}.");
        }

        foreach (var preferred in PreferredColumns)
        {
            var found = Array.FindIndex(header, h => string.Equals(h, preferred, StringComparison.OrdinalIgnoreCase));
            if (found >= 0) return found;
        }

        if (header.Length == 1) return 0;
        throw new ArgumentException($"'{path}' has several columns ({string.Join(", ", header)}); choose one.", nameof(column));
    }

    private static string[] Split(string line)
    {
        if (line.Trim().Length == 0) return [];
        return line.Split(',').Select(cell => cell.Trim().Trim('"').Trim()).ToArray();
    }

    // Invariant culture, no thousands separators, finite only: "NaN" or "Infinity" is not a probability.
    private static bool TryParse(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
