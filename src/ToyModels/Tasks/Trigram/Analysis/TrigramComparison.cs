namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>The analyses of a checkpoint and, optionally, of a second one to compare with.</summary>
/// <param name="Checkpoint">The main checkpoint's folder.</param>
/// <param name="Main">Its analyses.</param>
/// <param name="Other">The second checkpoint's, or null.</param>
public sealed record TrigramComparison(string Checkpoint, TrigramAnalyzed Main, TrigramAnalyzed? Other);
