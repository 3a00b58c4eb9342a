namespace Probing.IclHarness.Llama;

public sealed partial class ResidualCapture
{
    private readonly Dictionary<(GraphActivation Activation, int Layer), float[]> _activations = [];
    private readonly Dictionary<GraphActivation, int> _widths = [];

    /// <summary>The extra graph activations requested (<see cref="CaptureRequest.Activations"/>).</summary>
    public IReadOnlyList<GraphActivation> ActivationKinds { get; internal init; } = [];

    /// <summary>
    /// The captured <paramref name="activation"/> at <paramref name="layer"/> (ignored for
    /// <see cref="GraphActivation.InpEmbd"/>) and <paramref name="position"/>: one row of the tensor's width.
    /// </summary>
    /// <exception cref="ArgumentException">The activation, layer or position was not captured.</exception>
    public ReadOnlySpan<float> Activation(GraphActivation activation, int layer, int position)
    {
        var key = (activation, activation == GraphActivation.InpEmbd ? 0 : layer);
        if (!_activations.TryGetValue(key, out var values))
            throw new ArgumentException($"{GraphActivationNames.Name(activation, layer)} was not captured; request it in CaptureRequest.Activations.");
        var width = _widths[activation];
        return values.AsSpan(PositionSlot(position) * width, width);
    }

    /// <summary>The destination of one captured row (allocated on first use, when the tensor's width is known).</summary>
    internal Span<float> ActivationRow(GraphActivation activation, int layer, int slot, int width)
    {
        if (_widths.TryGetValue(activation, out var known) && known != width)
            throw new InvalidOperationException($"{GraphActivationNames.Name(activation, layer)} is {width} wide, earlier layers were {known}; per-layer widths are not supported.");
        _widths[activation] = width;
        var key = (activation, layer);
        if (!_activations.TryGetValue(key, out var values))
            _activations[key] = values = new float[Positions.Length * width]; // [pos, width]
        return values.AsSpan(slot * width, width);
    }
}
