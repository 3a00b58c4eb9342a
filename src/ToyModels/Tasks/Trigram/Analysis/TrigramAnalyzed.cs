namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>One analysed checkpoint with the data it was analysed on.</summary>
/// <param name="Result">The analyses.</param>
/// <param name="Dataset">The trigram dataset.</param>
/// <param name="Batch">The evaluation batch.</param>
public sealed record TrigramAnalyzed(TrigramAnalysisResult Result, TrigramDataset Dataset, TrigramBatch Batch);
