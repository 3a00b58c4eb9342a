namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>What <c>PreviousTokenAnalyzer</c> measured.</summary>
/// <param name="PositionalEmbedding">The model's positional_embedding_type.</param>
/// <param name="Metrics">Loss and accuracy by position.</param>
/// <param name="Heads">Per head, the batch-averaged attention pattern and its summaries.</param>
/// <param name="PositionR2">Per residual hook, held-out R² of a ridge probe for the position (positions ≥ 1).</param>
/// <param name="DirectLogitAttribution">Per component (embed, pos_embed, attn/mlp outputs, heads), the mean attribution to correct-token logit minus mean logit.</param>
/// <param name="Data">The data options the fresh sequences were drawn with.</param>
/// <param name="Header">The report's header lines (checkpoint, data, sample).</param>
public sealed record PreviousTokenAnalysisResult(
    string PositionalEmbedding,
    PositionMetrics Metrics,
    IReadOnlyList<AttentionSummary> Heads,
    IReadOnlyList<(string Hook, double R2)> PositionR2,
    IReadOnlyList<(string Component, double Attribution)> DirectLogitAttribution,
    PreviousTokenDataOptions Data,
    IReadOnlyList<string> Header);
