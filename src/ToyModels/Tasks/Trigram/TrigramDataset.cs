namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// ARENA's November 2024 trigram data: uniform random tokens, except that right after the first two tokens
/// X, Y of a trigram the third Z is forced.
/// </summary>
/// <remarks>
/// <para>The trigram set is drawn once, from <see cref="Seed"/>, by <see cref="TrigramSet.Draw"/>: each
/// (X, Y) prefix independently starts a trigram with probability <see cref="TrigramProb"/>, with a uniform Z.</para>
/// <para>Sequences (<see cref="Sample"/>) are generated left to right. Positions 0 and 1 are uniform. At each
/// position p ≥ 2 a uniform token is drawn first (so the random stream does not depend on the set), then
/// replaced by Z when (tokens[p-2], tokens[p-1]) is a trigram prefix. Because generation looks at the tokens
/// already written, a forced Z can itself form the prefix of another trigram, and that one is forced as well:
/// every occurrence of a prefix in the data is followed by its completion, with no exception. About
/// trigram_prob of the positions p ≥ 2 end up forced.</para>
/// <para>Random streams: the set uses <c>new Random(seed)</c>; the evaluation batch uses
/// <c>new Random(StreamSeed(evalSeed, 1))</c> and training batches <c>new Random(StreamSeed(trainSeed, 2))</c>,
/// so neither can correlate with the draw of the set.</para>
/// </remarks>
public sealed class TrigramDataset
{
    /// <summary>ARENA's vocabulary size.</summary>
    public const int DefaultDVocab = 75;

    /// <summary>ARENA's sequence length.</summary>
    public const int DefaultSeqLen = 50;

    /// <summary>ARENA's probability that a prefix starts a trigram.</summary>
    public const double DefaultTrigramProb = 0.05;

    /// <summary>ARENA's evaluation batch size.</summary>
    public const int DefaultEvalSize = 2500;

    /// <summary>ARENA's evaluation seed (also the seed of its model and trigram set).</summary>
    public const int DefaultEvalSeed = 40;

    /// <summary>Creates the dataset and draws its trigram set from <paramref name="seed"/>.</summary>
    /// <param name="dVocab">Vocabulary size (ARENA: 75).</param>
    /// <param name="seqLen">Sequence length (ARENA: 50).</param>
    /// <param name="trigramProb">Probability that a prefix starts a trigram (ARENA: 0.05).</param>
    /// <param name="seed">Seed of the trigram set (ARENA: 40).</param>
    public TrigramDataset(int dVocab = DefaultDVocab, int seqLen = DefaultSeqLen, double trigramProb = DefaultTrigramProb, int seed = DefaultEvalSeed)
    {
        if (dVocab < 2) throw new ArgumentException($"d_vocab must be at least 2 (got {dVocab}).", nameof(dVocab));
        if (seqLen < 3) throw new ArgumentException($"seq_len must be at least 3 to hold a trigram (got {seqLen}).", nameof(seqLen));
        DVocab = dVocab;
        SeqLen = seqLen;
        TrigramProb = trigramProb;
        Seed = seed;
        Set = TrigramSet.Draw(dVocab, trigramProb, new Random(seed));
    }

    /// <summary>Creates a dataset over an explicit trigram set (tests, hand-built examples).</summary>
    /// <param name="set">The trigrams; its vocabulary is the dataset's.</param>
    /// <param name="seqLen">Sequence length.</param>
    /// <param name="trigramProb">The nominal trigram probability recorded for the loss normalisation.</param>
    public TrigramDataset(TrigramSet set, int seqLen, double trigramProb = DefaultTrigramProb)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (seqLen < 3) throw new ArgumentException($"seq_len must be at least 3 to hold a trigram (got {seqLen}).", nameof(seqLen));
        DVocab = set.DVocab;
        SeqLen = seqLen;
        TrigramProb = trigramProb;
        Seed = -1;
        Set = set;
    }

    /// <summary>Vocabulary size.</summary>
    public int DVocab { get; }

    /// <summary>Tokens per sequence.</summary>
    public int SeqLen { get; }

    /// <summary>Probability that a prefix starts a trigram.</summary>
    public double TrigramProb { get; }

    /// <summary>Seed the trigram set was drawn from (-1 for an explicit set).</summary>
    public int Seed { get; }

    /// <summary>The fixed trigram set.</summary>
    public TrigramSet Set { get; }

    /// <summary>Generates <paramref name="size"/> sequences from <paramref name="rng"/> (see the remarks).</summary>
    public TrigramBatch Sample(int size, Random rng)
    {
        if (size < 1) throw new ArgumentException($"Batch size must be positive (got {size}).", nameof(size));
        ArgumentNullException.ThrowIfNull(rng);
        var tokens = new int[size * SeqLen];
        var forced = new bool[size * SeqLen];
        for (var b = 0; b < size; b++)
        {
            var row = b * SeqLen;
            for (var p = 0; p < SeqLen; p++)
            {
                var token = rng.Next(DVocab);
                if (p >= 2)
                {
                    var z = Set.CompletionOf(tokens[row + p - 2], tokens[row + p - 1]);
                    if (z >= 0)
                    {
                        token = z;
                        forced[row + p] = true;
                    }
                }
                tokens[row + p] = token;
            }
        }
        return new TrigramBatch(size, SeqLen, tokens, forced);
    }

    /// <summary>The evaluation batch: <paramref name="size"/> sequences from the evaluation stream of <paramref name="evalSeed"/>.</summary>
    public TrigramBatch EvalBatch(int size = DefaultEvalSize, int evalSeed = DefaultEvalSeed) =>
        Sample(size, new Random(StreamSeed(evalSeed, 1)));

    /// <summary>A generator for training batches, independent of the set and the evaluation batch.</summary>
    public static Random TrainingStream(int trainSeed) => new(StreamSeed(trainSeed, 2));

    /// <summary>Mixes a user seed and a stream number into a 31-bit seed (SplitMix64 finaliser).</summary>
    public static int StreamSeed(int seed, int stream)
    {
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
