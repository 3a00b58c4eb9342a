namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Correct top-1 predictions of Z over all Z positions of the batch, per kept path.</summary>
/// <param name="Occurrences">Number of Z positions.</param>
/// <param name="Full">The intact model.</param>
/// <param name="DirectOnly">Zero-ablation of attention and MLP outputs: only the direct path (embeddings → unembedding).</param>
/// <param name="AttentionOnly">Zero-ablation of the MLP output: direct path + attention.</param>
/// <param name="MlpOnly">Zero-ablation of the attention output: direct path + MLP (the MLP then reads only the embeddings).</param>
/// <param name="DirectLogitsAttention">Decomposition: the attention output alone through W_U (+ b_U), taken from the intact run.</param>
/// <param name="DirectLogitsMlp">Decomposition: the MLP output alone through W_U (+ b_U), taken from the intact run.</param>
/// <param name="MlpWithoutAttentionAlone">
/// What the reference's "MLP only" computes before its indexing slip: the MLP run on the embeddings alone
/// (attention zeroed), and its output alone through W_U (+ b_U).
/// </param>
/// <param name="ReferenceMlpOnlyLiteral">
/// What the reference's "MLP only" code returns as written: it takes the argmax over a 0-d tensor, which is
/// always token 0, so it counts the occurrences whose Z is token 0. Reported so that its 92 can be compared.
/// </param>
public sealed record PathAblationResult(int Occurrences, int Full, int DirectOnly, int AttentionOnly, int MlpOnly, int DirectLogitsAttention,
    int DirectLogitsMlp, int MlpWithoutAttentionAlone, int ReferenceMlpOnlyLiteral);
