namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Everything <see cref="TrigramAnalysis.Compute"/> measured on one model; <see cref="TrigramAnalysisWriter"/> writes it.</summary>
public sealed record TrigramAnalysisResult
{
    /// <summary>The model's label in the report.</summary>
    public required string Label { get; init; }

    /// <summary>The analysed model's <c>d_model</c>.</summary>
    public required int DModel { get; init; }

    /// <summary>The analysed model's <c>d_head</c>.</summary>
    public required int DHead { get; init; }

    /// <summary>The analysed model's <c>d_mlp</c> (0 when attention-only).</summary>
    public required int DMlp { get; init; }

    /// <summary>The analysed head's layer (the head with the most previous-token attention at Y positions).</summary>
    public required int Layer { get; init; }

    /// <summary>The analysed head.</summary>
    public required int Head { get; init; }

    /// <summary>The task metrics on the evaluation batch and the set.</summary>
    public required TrigramMetricValues Metrics { get; init; }

    /// <summary>The model's predictions on the evaluation batch.</summary>
    public required TokenPredictions Predictions { get; init; }

    /// <summary>The analysed head's <c>hook_pattern</c>, row-major [batch, query, key].</summary>
    public required float[] Pattern { get; init; }

    /// <summary>Logits after each (X, Y) of the set, row-major [n_trigrams, d_vocab].</summary>
    public required float[] SetLogits { get; init; }

    /// <summary>Analysis 1.</summary>
    public required PrevTokenAttentionResult PrevToken { get; init; }

    /// <summary>Token QK circuit / √d_head, [query token, key token].</summary>
    public required double[] QkToken { get; init; }

    /// <summary>Full adjacent-position QK score, [query token, key token].</summary>
    public required double[] QkAdjacentFull { get; init; }

    /// <summary>Positional QK circuit / √d_head, [query position, key position].</summary>
    public required double[] QkPositional { get; init; }

    /// <summary>Token OV circuit, [source token, output logit].</summary>
    public required double[] Ov { get; init; }

    /// <summary>Per trigram of the set: OV[X] alone predicts Z.</summary>
    public required bool[] OvCorrect { get; init; }

    /// <summary>Per trigram of the set: OV[X] + direct[Y] predicts Z.</summary>
    public required bool[] OvPlusDirectCorrect { get; init; }

    /// <summary>Per trigram of the set: the model predicts Z after (X, Y).</summary>
    public required bool[] Learned { get; init; }

    /// <summary>Analyses 2 and 3.</summary>
    public required QkOvSummary Circuits { get; init; }

    /// <summary>Analysis 4.</summary>
    public required PathAblationResult Ablation { get; init; }

    /// <summary>Files written, relative to the output folder (empty until written).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
}
