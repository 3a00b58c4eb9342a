namespace Probing.BayesExperiments;

/// <summary>One numeric column read from a CSV file, rows in file order.</summary>
/// <param name="Name">The column's header (or its 1-based number in a file without header).</param>
/// <param name="Values">One finite number per data row.</param>
public sealed record CsvColumn(string Name, double[] Values);
