namespace Probing.BayesExperiments;

/// <summary>One numeric column read from a CSV file, rows in file order.</summary>
/// <param name="Name">The column's header (or its 1-based number in a file without header).</param>
/// <param name="Values">One finite number per data row; for a file of several contexts (an ICL run's examples.csv), the mean per example index.</param>
/// <param name="Contexts">How many contexts each value averages: 1 for a plain column.</param>
public sealed record CsvColumn(string Name, double[] Values, int Contexts = 1);
