namespace Probing.ToyModels.Analysis;

/// <summary>One section of a generated analysis report: the question, its numeric answer, and the files.</summary>
/// <param name="Title">Section title.</param>
/// <param name="Question">The question the figure answers.</param>
/// <param name="Answer">The answer, with numbers.</param>
/// <param name="Csv">The CSV file name (relative to the report).</param>
/// <param name="Pngs">The PNG file names (relative to the report).</param>
/// <param name="Table">Optional markdown table inserted after the answer.</param>
public sealed record ReportFigure(string Title, string Question, string Answer, string Csv, IReadOnlyList<string> Pngs, string? Table = null);
