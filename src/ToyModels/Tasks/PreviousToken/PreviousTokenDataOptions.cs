namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>
/// The previous-token task (seed 003): uniformly random tokens; the model at position t must output the
/// token at position t−1. With <see cref="Bos"/> the sequence starts with a BOS token (id = <see cref="Vocab"/>),
/// and the loss counts positions t ≥ 2 (whose previous token is random); without it, positions t ≥ 1.
/// </summary>
public sealed record PreviousTokenDataOptions
{
    /// <summary>Number of random token ids (0 … vocab−1).</summary>
    public int Vocab { get; init; } = 8;

    /// <summary>Sequence length (the model's n_ctx).</summary>
    public int NCtx { get; init; } = 10;

    /// <summary>Whether each sequence starts with a BOS token.</summary>
    public bool Bos { get; init; } = true;

    /// <summary>The model's vocabulary size: vocab, plus one with BOS.</summary>
    public int DVocab => Bos ? Vocab + 1 : Vocab;

    /// <summary>The BOS id (only with <see cref="Bos"/>).</summary>
    public int BosToken => Vocab;

    /// <summary>The first position whose prediction counts.</summary>
    public int FirstScoredPosition => Bos ? 2 : 1;

    /// <summary>Throws <see cref="ArgumentException"/> for out-of-range options.</summary>
    public void Validate()
    {
        if (Vocab < 2) throw new ArgumentException($"the previous-token task needs at least 2 tokens (got vocab {Vocab}).");
        if (NCtx < FirstScoredPosition + 1) throw new ArgumentException($"the previous-token task needs n_ctx ≥ {FirstScoredPosition + 1} (got {NCtx}).");
    }
}
