namespace Probing.ToyModels.Analysis;

/// <summary>What an analysis run wrote, for the caller to show.</summary>
/// <param name="Lines">Headline numbers, one line each.</param>
/// <param name="Report">The report.md path.</param>
/// <param name="Seed">The seed of the fresh sequences drawn, or null when none were.</param>
public sealed record ToyAnalysisSummary(IReadOnlyList<string> Lines, string Report, long? Seed = null);
