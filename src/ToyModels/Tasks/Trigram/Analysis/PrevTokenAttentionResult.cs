namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>The worklog's claim checked: Y positions attending to the previous token vs correctly predicted trigrams.</summary>
/// <param name="Threshold">Attention threshold (the worklog's 0.2).</param>
/// <param name="PrevAttention">Row-major [batch, seq_len]: attention of position p to p − 1 (0 at p = 0).</param>
/// <param name="AttentionVsCorrect">A = Z positions predicted top-1; B = (b, y + 1) with attention(y → y − 1) &gt; threshold, y in 1 … seq_len − 2.</param>
/// <param name="AttentionVsProbability">The worklog's own comparison: A = (b, p + 1) with P(correct next token at p) &gt; threshold, same B.</param>
/// <param name="AttentionVsAllTrigrams">A = every Z position, same B.</param>
/// <param name="MeanAttentionAtCorrect">Mean prev-token attention at the Y of correctly predicted trigrams.</param>
/// <param name="MeanAttentionAtMissed">Mean prev-token attention at the Y of missed trigrams (NaN if none).</param>
/// <param name="MeanAttentionElsewhere">Mean prev-token attention at positions 1 … seq_len − 2 that are not a Y.</param>
public sealed record PrevTokenAttentionResult(
    double Threshold,
    float[] PrevAttention,
    SetOverlap AttentionVsCorrect,
    SetOverlap AttentionVsProbability,
    SetOverlap AttentionVsAllTrigrams,
    double MeanAttentionAtCorrect,
    double MeanAttentionAtMissed,
    double MeanAttentionElsewhere);
