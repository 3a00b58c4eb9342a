namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Everything <see cref="TrigramAnalysis.Run"/> measured on one model.</summary>
/// <param name="Label">The model's label in the report.</param>
/// <param name="Weights">The analysed weights.</param>
/// <param name="Metrics">The task metrics on the evaluation batch and the set.</param>
/// <param name="PrevToken">Analysis 1.</param>
/// <param name="Circuits">Analyses 2 and 3.</param>
/// <param name="Ablation">Analysis 4.</param>
/// <param name="Files">Files written, relative to the output folder.</param>
public sealed record TrigramAnalysisResult(
    string Label,
    OneLayerWeights Weights,
    TrigramMetricValues Metrics,
    PrevTokenAttentionResult PrevToken,
    QkOvSummary Circuits,
    PathAblationResult Ablation,
    IReadOnlyList<string> Files);
