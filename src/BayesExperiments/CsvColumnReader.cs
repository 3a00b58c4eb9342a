using System.Globalization;

namespace Probing.BayesExperiments;

/// <summary>
/// Reads one numeric column from a CSV file. The first row is a header unless every cell in it is a number.
/// Without a column name it takes <c>p_correct</c>, then <c>p_a</c> (what <c>probe bayes simulate</c> writes),
/// then the only column; with a header-less file a 1-based column number works too. A file with <c>context</c>
/// and <c>index</c> columns (an ICL run's <c>examples.csv</c>: one row per example of each context) is read as the
/// mean over contexts per example index, in index order, which is the curve <c>probe icl</c> fits.
/// </summary>
public static class CsvColumnReader
{
    private static readonly string[] PreferredColumns = ["p_correct", "p_a"];

    /// <summary>The columns that mark one row per example of each context (an ICL run's examples.csv).</summary>
    public const string ContextColumn = "context", IndexColumn = "index";

    /// <summary>Reads the column named <paramref name="column"/> (or the default one) of the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is empty or has no data rows.</exception>
    /// <exception cref="FormatException">A blank row between data rows, a repeated header, a short row or a cell that is not a number;
    /// in a file with context and index columns, an index that is not a positive integer or indices with a gap.</exception>
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

        var contextAt = hasHeader ? Array.FindIndex(header, h => string.Equals(h, ContextColumn, StringComparison.OrdinalIgnoreCase)) : -1;
        var indexAt = hasHeader ? Array.FindIndex(header, h => string.Equals(h, IndexColumn, StringComparison.OrdinalIgnoreCase)) : -1;
        if (contextAt < 0 || indexAt < 0 || index == indexAt || index == contextAt) return new CsvColumn(name, values);
        return MeanPerIndex(path, name, data, values, contextAt, indexAt);
    }

    // Rows of several contexts fitted as one series would read context 2's first example as the 13th shot; the
    // ICL run fits the mean per example index (IclRunner.Summarize), averaged in file order as it does.
    private static CsvColumn MeanPerIndex(string path, string name, List<(int Line, string[] Cells)> data, double[] values, int contextAt, int indexAt)
    {
        var byIndex = new SortedDictionary<int, List<double>>();
        var contexts = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<(string Context, int Index), int>();
        for (var r = 0; r < data.Count; r++)
        {
            var (line, cells) = data[r];
            if (cells.Length <= Math.Max(contextAt, indexAt))
                throw new FormatException($"{path}, line {line}: expected at least {Math.Max(contextAt, indexAt) + 1} columns but found {cells.Length}; every row needs its context and index.");
            if (!int.TryParse(cells[indexAt], NumberStyles.None, CultureInfo.InvariantCulture, out var exampleIndex) || exampleIndex < 1)
                throw new FormatException($"{path}, line {line}: index '{cells[indexAt]}' is not a positive whole number; column '{IndexColumn}' numbers the examples of a context from 1.");
            // One row per context and example: a file with more (lens.csv has one per layer) is not a curve of examples.
            if (!seen.TryAdd((cells[contextAt], exampleIndex), line))
                throw new FormatException($"{path}, line {line}: context {cells[contextAt]} has a second row for example {exampleIndex} (the first is line {seen[(cells[contextAt], exampleIndex)]}); fit a file with one row per context and example, such as a run's examples.csv.");
            contexts.Add(cells[contextAt]);
            if (!byIndex.TryGetValue(exampleIndex, out var list)) byIndex[exampleIndex] = list = [];
            list.Add(values[r]);
        }

        var expected = 1;
        foreach (var exampleIndex in byIndex.Keys)
        {
            if (exampleIndex != expected)
                throw new FormatException($"{path}: no row has index {expected} but index {exampleIndex} follows; the examples of each context must be numbered 1, 2, … without gaps.");
            expected++;
        }

        return new CsvColumn(name, byIndex.Values.Select(v => v.Average()).ToArray(), contexts.Count);
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

    // RFC 4180 on one line, as Probing.Runs.Csv writes: a quoted cell may hold commas and doubled quotes
    // (examples.csv quotes a first_token such as " 5" or ",").
    private static string[] Split(string line)
    {
        if (line.Trim().Length == 0) return [];
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') cell.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString().Trim());
        return cells.ToArray();
    }

    // Invariant culture, no thousands separators, finite only: "NaN" or "Infinity" is not a probability.
    private static bool TryParse(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
