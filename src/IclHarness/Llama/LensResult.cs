namespace Probing.IclHarness.Llama;

/// <summary>
/// Logit-lens logits for captured layers × positions: <see cref="Logits"/> is [layer slot, position slot, n_vocab].
/// </summary>
public sealed class LensResult
{
    internal LensResult(int[] layers, int[] positions, int vocabularySize, float[] logits)
    {
        Layers = layers;
        Positions = positions;
        VocabularySize = vocabularySize;
        Logits = logits;
    }

    /// <summary>The layers, in slot order.</summary>
    public int[] Layers { get; }

    /// <summary>The positions, in slot order.</summary>
    public int[] Positions { get; }

    /// <summary>n_vocab.</summary>
    public int VocabularySize { get; }

    /// <summary>[layer slot, position slot, n_vocab] raw lens logits.</summary>
    public float[] Logits { get; }

    /// <summary>The lens logits of one layer at one position.</summary>
    public ReadOnlySpan<float> LogitsAt(int layer, int position) =>
        Logits.AsSpan(Row(layer, position) * VocabularySize, VocabularySize);

    /// <summary>The k most likely tokens the lens reads at (layer, position), best first.</summary>
    public TopToken[] Top(int layer, int position, int k)
    {
        var logits = LogitsAt(layer, position);
        return LogSoftmax.TopK(logits, k, LogSoftmax.LogSumExp(logits));
    }

    /// <summary>ln p(token) under the lens at (layer, position), in double precision.</summary>
    public double LogProb(int layer, int position, int token)
    {
        var logits = LogitsAt(layer, position);
        return logits[token] - LogSoftmax.LogSumExp(logits);
    }

    private int Row(int layer, int position)
    {
        var l = Array.IndexOf(Layers, layer);
        var p = Array.IndexOf(Positions, position);
        if (l < 0 || p < 0) throw new ArgumentException($"the lens has no row for layer {layer}, position {position}.");
        return l * Positions.Length + p;
    }
}
