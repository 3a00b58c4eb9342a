namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// A fixed, non-contradicting set of trigrams over a vocabulary: at most one completion Z per (X, Y) prefix.
/// </summary>
/// <remarks>
/// How ARENA's November 2024 problem draws it (reproduced by <see cref="Draw"/>): every one of the
/// d_vocab² ordered prefixes (X, Y) independently becomes a trigram prefix with probability
/// <c>trigram_prob</c>, and its completion Z is drawn uniformly from the vocabulary. Because each prefix
/// is visited once, two trigrams can never share a prefix. With d_vocab 75 and trigram_prob 0.05 the set has
/// 281 trigrams on average (sd 16); the released ARENA model's set has 277 (its logged
/// trigram_frac_correct 0.9639 is exactly 267/277).
/// </remarks>
public sealed class TrigramSet
{
    private readonly int[] _completion; // [d_vocab * d_vocab]: Z for prefix (X, Y) at X * d_vocab + Y, or -1

    /// <summary>Builds a set from explicit trigrams; throws if two of them share an (X, Y) prefix.</summary>
    /// <param name="dVocab">Vocabulary size; every token must lie in [0, dVocab).</param>
    /// <param name="trigrams">The trigrams, in the order they are reported.</param>
    public TrigramSet(int dVocab, IEnumerable<TrigramTriple> trigrams)
    {
        if (dVocab < 2) throw new ArgumentException($"d_vocab must be at least 2 (got {dVocab}).", nameof(dVocab));
        ArgumentNullException.ThrowIfNull(trigrams);
        DVocab = dVocab;
        _completion = new int[dVocab * dVocab];
        Array.Fill(_completion, -1);
        var list = new List<TrigramTriple>();
        foreach (var t in trigrams)
        {
            if (!InRange(t.X) || !InRange(t.Y) || !InRange(t.Z))
                throw new ArgumentException($"Trigram {t} has a token outside [0, {dVocab}); use tokens below d_vocab.", nameof(trigrams));
            ref var slot = ref _completion[t.X * dVocab + t.Y];
            if (slot >= 0)
                throw new ArgumentException($"Trigrams ({t.X}, {t.Y}, {slot}) and {t} share the prefix ({t.X}, {t.Y}); a trigram set must not contradict itself.", nameof(trigrams));
            slot = t.Z;
            list.Add(t);
        }
        Trigrams = list;
    }

    /// <summary>Vocabulary size.</summary>
    public int DVocab { get; }

    /// <summary>The trigrams, ordered by prefix (X, then Y) when drawn by <see cref="Draw"/>.</summary>
    public IReadOnlyList<TrigramTriple> Trigrams { get; }

    /// <summary>Number of trigrams.</summary>
    public int Count => Trigrams.Count;

    /// <summary>The forced completion after the prefix (x, y), or -1 when (x, y) starts no trigram.</summary>
    public int CompletionOf(int x, int y) => _completion[x * DVocab + y];

    /// <summary>Whether (x, y) is the prefix of a trigram.</summary>
    public bool IsPrefix(int x, int y) => _completion[x * DVocab + y] >= 0;

    /// <summary>
    /// Draws a set the ARENA way: visits the prefixes (X, Y) in row-major order, and for each draws
    /// u ~ U[0, 1); if u &lt; <paramref name="trigramProb"/> the prefix gets a completion Z ~ U{0..d_vocab-1}
    /// (drawn right after u, from the same generator).
    /// </summary>
    /// <param name="dVocab">Vocabulary size.</param>
    /// <param name="trigramProb">Probability that a prefix starts a trigram, in [0, 1].</param>
    /// <param name="rng">The generator; the dataset seeds it with its trigram-set seed.</param>
    public static TrigramSet Draw(int dVocab, double trigramProb, Random rng)
    {
        if (trigramProb is < 0 or > 1 || double.IsNaN(trigramProb))
            throw new ArgumentException($"trigram_prob must lie in [0, 1] (got {trigramProb}).", nameof(trigramProb));
        ArgumentNullException.ThrowIfNull(rng);
        var trigrams = new List<TrigramTriple>();
        for (var x = 0; x < dVocab; x++)
        for (var y = 0; y < dVocab; y++)
        {
            if (rng.NextDouble() < trigramProb) trigrams.Add(new TrigramTriple(x, y, rng.Next(dVocab)));
        }
        return new TrigramSet(dVocab, trigrams);
    }

    private bool InRange(int token) => token >= 0 && token < DVocab;
}
