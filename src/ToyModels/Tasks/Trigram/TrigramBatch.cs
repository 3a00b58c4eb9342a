namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// A batch of token sequences with the position of every forced trigram completion marked.
/// </summary>
/// <remarks>
/// Position p of sequence b is a completion (a "Z position") when p ≥ 2 and (tokens[b, p-2], tokens[b, p-1])
/// is a trigram prefix; the token there is then the trigram's Z. The model predicts Z from the logits at
/// position p - 1 (the "Y position").
/// </remarks>
public sealed class TrigramBatch
{
    internal TrigramBatch(int size, int seqLen, int[] tokens, bool[] isCompletion)
    {
        Size = size;
        SeqLen = seqLen;
        Tokens = tokens;
        IsCompletion = isCompletion;
        var positions = new List<(int Batch, int Position)>();
        for (var b = 0; b < size; b++)
        for (var p = 0; p < seqLen; p++)
            if (isCompletion[b * seqLen + p]) positions.Add((b, p));
        CompletionPositions = positions;
    }

    /// <summary>Number of sequences.</summary>
    public int Size { get; }

    /// <summary>Tokens per sequence.</summary>
    public int SeqLen { get; }

    /// <summary>Tokens, row-major [batch, seq_len].</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>Row-major [batch, seq_len]: true where the token was forced as a trigram's Z.</summary>
    public IReadOnlyList<bool> IsCompletion { get; }

    /// <summary>Every Z position (batch index, position), in row-major order.</summary>
    public IReadOnlyList<(int Batch, int Position)> CompletionPositions { get; }

    /// <summary>The token at (batch, position).</summary>
    public int this[int batch, int position] => Tokens[batch * SeqLen + position];

    /// <summary>The tokens as a new long array, row-major [batch, seq_len] (TorchSharp's index type).</summary>
    public long[] TokensAsInt64()
    {
        var result = new long[Tokens.Count];
        for (var i = 0; i < result.Length; i++) result[i] = Tokens[i];
        return result;
    }
}
