using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

internal sealed unsafe partial class DecodePlan
{
    private readonly GraphActivation[] _activations = [];
    private int _activationCopies;

    /// <summary>Whether the callback needs <paramref name="activation"/> at <paramref name="layer"/> (ask=true).</summary>
    public bool WantsActivation(GraphActivation activation, int layer, int ubatch)
    {
        if (Array.IndexOf(_activations, activation) < 0) return false;
        if (activation != GraphActivation.InpEmbd && (layer >= _captureLayer.Length || !_captureLayer[layer])) return false;
        return (uint)ubatch < (uint)_ubatchTokens.Length && AnyCapture(ubatch);
    }

    /// <summary>Copies the captured rows of an activation (ask=false). Its width is the tensor's (kqv_out is n_head·n_embd_head_v wide).</summary>
    public void ApplyActivation(ggml_tensor* tensor, GraphActivation activation, int layer, int ubatch)
    {
        if ((uint)ubatch >= (uint)_ubatchTokens.Length)
            throw new InvalidOperationException($"llama.cpp computed more ubatches than the {_ubatchTokens.Length} the plan expects.");
        var width = (int)tensor->ne[0];
        var rows = tensor->ne[1];
        // The last layer's ffn_inp holds output rows only (llama.cpp drops the others after attention).
        var outputsOnly = rows != _ubatchTokens[ubatch];
        if (outputsOnly && rows != _ubatchOutputs[ubatch])
            throw new InvalidOperationException($"unexpected shape of {GraphActivationNames.Name(activation, layer)}: {rows} rows for ubatch {ubatch} of {_ubatchTokens[ubatch]} tokens.");
        var rowBytes = (nuint)(width * sizeof(float));
        foreach (var (batch, capture, slot) in _captures)
        {
            if (_ubatchOf[batch] != ubatch) continue;
            var row = Row(batch, outputsOnly, layer);
            var destination = capture.ActivationRow(activation, layer, slot, width);
            fixed (float* d = destination)
                GgmlNative.ggml_backend_tensor_get(tensor, d, (nuint)row * (nuint)tensor->nb[1], rowBytes);
            _activationCopies++;
        }
    }

    private int ExpectedActivationCopies
    {
        get
        {
            var layers = _captureLayer.Count(c => c);
            var perCapture = _activations.Sum(a => a == GraphActivation.InpEmbd ? 1 : layers);
            return _captures.Count * perCapture;
        }
    }

    private string ActivationNamesForMessage =>
        string.Concat(_activations.Select(a => a == GraphActivation.InpEmbd ? " / inp_embd" : $" / {GraphActivationNames.Name(a, 0)[..^1]}N"));
}
