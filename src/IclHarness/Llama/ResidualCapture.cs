namespace Probing.IclHarness.Llama;

/// <summary>
/// Residual-stream activations copied out of one sequence's decode. Rows are n_embd floats;
/// <see cref="Residuals"/> is laid out [layer slot, position slot, n_embd].
/// </summary>
public sealed partial class ResidualCapture
{
    internal ResidualCapture(int[] layers, int[] positions, int embeddingSize, bool resultNorm)
    {
        Layers = layers;
        Positions = positions;
        EmbeddingSize = embeddingSize;
        Residuals = new float[layers.Length * positions.Length * embeddingSize]; // [layer, pos, d_model]
        ResultNorm = resultNorm ? new float[positions.Length * embeddingSize] : null; // [pos, d_model]
    }

    /// <summary>The captured layers, in the order of the slots.</summary>
    public int[] Layers { get; }

    /// <summary>The captured positions (indices into the evaluated tokens, resolved to non-negative).</summary>
    public int[] Positions { get; }

    /// <summary>n_embd (d_model).</summary>
    public int EmbeddingSize { get; }

    /// <summary>All residuals, [layer slot, position slot, n_embd].</summary>
    public float[] Residuals { get; }

    /// <summary>The output of the final norm, [position slot, n_embd], when requested.</summary>
    public float[]? ResultNorm { get; }

    /// <summary>The residual after block <paramref name="layer"/> at <paramref name="position"/>.</summary>
    public ReadOnlySpan<float> Residual(int layer, int position) =>
        Residuals.AsSpan((LayerSlot(layer) * Positions.Length + PositionSlot(position)) * EmbeddingSize, EmbeddingSize);

    /// <summary>The final norm's output at <paramref name="position"/>.</summary>
    public ReadOnlySpan<float> Normalized(int position) =>
        (ResultNorm ?? throw new InvalidOperationException("result_norm was not requested in the CaptureRequest."))
            .AsSpan(PositionSlot(position) * EmbeddingSize, EmbeddingSize);

    internal int LayerSlot(int layer) => Array.IndexOf(Layers, layer) is var i and >= 0
        ? i : throw new ArgumentException($"layer {layer} was not captured (captured: {string.Join(", ", Layers)}).");

    internal int PositionSlot(int position) => Array.IndexOf(Positions, position) is var i and >= 0
        ? i : throw new ArgumentException($"position {position} was not captured (captured: {string.Join(", ", Positions)}).");
}
