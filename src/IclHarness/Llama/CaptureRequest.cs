namespace Probing.IclHarness.Llama;

/// <summary>
/// Which residual-stream activations to copy out of a decode: <c>l_out-N</c> (the residual after block N,
/// TransformerLens <c>blocks.N.hook_resid_post</c>) for <paramref name="Layers"/> at <paramref name="Positions"/>,
/// and optionally <c>result_norm</c> (the final norm's output, <c>ln_final.hook_normalized</c>).
/// </summary>
/// <param name="Layers">Block indices 0..n_layer-1.</param>
/// <param name="Positions">Indices into the evaluated tokens (negative counts from the end, -1 = last);
/// null captures every position.</param>
/// <param name="ResultNorm">Also copy <c>result_norm</c> at the same positions.</param>
public sealed record CaptureRequest(IReadOnlyList<int> Layers, IReadOnlyList<int>? Positions = null, bool ResultNorm = false)
{
    /// <summary>Every layer of a model with <paramref name="layerCount"/> blocks, at every position.</summary>
    public static CaptureRequest AllLayers(int layerCount, IReadOnlyList<int>? positions = null, bool resultNorm = false) =>
        new(Enumerable.Range(0, layerCount).ToArray(), positions, resultNorm);

    /// <summary>More graph tensors to copy at the same layers and positions: <c>kqv_out-N</c>, <c>ffn_inp-N</c>, <c>inp_embd</c>.</summary>
    public IReadOnlyList<GraphActivation> Activations { get; init; } = [];
}
