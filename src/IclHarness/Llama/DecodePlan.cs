using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

/// <summary>
/// What the eval callback does during one llama_decode call: which batch rows of which <c>l_out-N</c> (and
/// <c>result_norm</c>) to copy into which <see cref="ResidualCapture"/>, and which rows to overwrite.
/// Batch indices are mapped to tensor rows per ubatch as llama.cpp splits the batch (<see cref="UbatchSplit"/>);
/// the last layer and result_norm keep only the rows whose logits were requested (the plan requests them).
/// </summary>
internal sealed unsafe partial class DecodePlan
{
    public const int ResultNormLayer = -1;

    private readonly int[] _ubatchOf;      // [n_tokens] ubatch of each batch index
    private readonly int[] _row;           // [n_tokens] row of each batch index in its ubatch
    private readonly int[] _outputRow;     // [n_tokens] row among its ubatch's output rows, -1 if not an output
    private readonly int[] _ubatchTokens;  // [n_ubatch] rows of each ubatch
    private readonly int[] _ubatchOutputs; // [n_ubatch] output rows of each ubatch
    private readonly bool[] _captureLayer;
    private readonly bool _captureNorm;
    private readonly List<(int Batch, ResidualCapture Capture, int Slot)> _captures = [];
    private readonly List<(int Layer, int Batch, float[] Vector)> _patches = [];
    private readonly int _layersPerCapture;
    private int _copies;
    private int _patched;

    /// <param name="ubatches">Batch indices of each ubatch, in the order llama.cpp computes them (<see cref="UbatchSplit"/>).</param>
    /// <param name="isOutput">[n_tokens] whether each batch index requested logits.</param>
    /// <param name="layerCount">n_layer of the model.</param>
    /// <param name="capture">Layers and result_norm to copy, or null.</param>
    public DecodePlan(IReadOnlyList<int[]> ubatches, bool[] isOutput, int layerCount, CaptureRequest? capture)
    {
        _ubatchOf = new int[isOutput.Length];
        _row = new int[isOutput.Length];
        _outputRow = new int[isOutput.Length];
        _ubatchTokens = new int[ubatches.Count];
        _ubatchOutputs = new int[ubatches.Count];
        for (var u = 0; u < ubatches.Count; u++)
        {
            foreach (var batch in ubatches[u])
            {
                _ubatchOf[batch] = u;
                _row[batch] = _ubatchTokens[u]++;
                _outputRow[batch] = isOutput[batch] ? _ubatchOutputs[u]++ : -1;
            }
        }
        _captureLayer = new bool[layerCount];
        if (capture is not null)
        {
            foreach (var layer in capture.Layers) _captureLayer[layer] = true;
            _captureNorm = capture.ResultNorm;
            _layersPerCapture = capture.Layers.Distinct().Count() + (capture.ResultNorm ? 1 : 0);
            _activations = capture.Activations.Distinct().ToArray();
        }
    }

    public bool IsEmpty => _captures.Count == 0 && _patches.Count == 0;

    public void AddCapture(int batchIndex, ResidualCapture capture, int positionSlot) => _captures.Add((batchIndex, capture, positionSlot));

    public void AddPatch(int layer, int batchIndex, float[] vector) => _patches.Add((layer, batchIndex, vector));

    /// <summary>Whether the callback needs the node's data (ask=true).</summary>
    public bool Wants(int layer, int ubatch)
    {
        if ((uint)ubatch >= (uint)_ubatchTokens.Length) return false;
        if (layer == ResultNormLayer) return _captureNorm && AnyCapture(ubatch);
        if (layer >= _captureLayer.Length) return false;
        if (_captureLayer[layer] && AnyCapture(ubatch)) return true;
        foreach (var p in _patches) if (p.Layer == layer && _ubatchOf[p.Batch] == ubatch) return true;
        return false;
    }

    /// <summary>Writes the patches of this node, then copies the captured rows (ask=false).</summary>
    public void Apply(ggml_tensor* tensor, int layer, int ubatch)
    {
        if ((uint)ubatch >= (uint)_ubatchTokens.Length)
            throw new InvalidOperationException($"llama.cpp computed more ubatches than the {_ubatchTokens.Length} the plan expects.");
        var width = tensor->ne[0];
        var rows = tensor->ne[1];
        var outputsOnly = rows != _ubatchTokens[ubatch];
        if (outputsOnly && rows != _ubatchOutputs[ubatch])
            throw new InvalidOperationException($"unexpected shape of layer {layer} output: {rows} rows for ubatch {ubatch} of {_ubatchTokens[ubatch]} tokens.");
        var rowBytes = (nuint)(width * sizeof(float));

        if (layer != ResultNormLayer)
        {
            foreach (var (patchLayer, batch, vector) in _patches)
            {
                if (patchLayer != layer || _ubatchOf[batch] != ubatch) continue;
                if (vector.Length != width) throw new ArgumentException($"patch vector has {vector.Length} floats, the residual has {width}.");
                var row = Row(batch, outputsOnly, layer);
                fixed (float* source = vector)
                    GgmlNative.ggml_backend_tensor_set(tensor, source, (nuint)row * (nuint)tensor->nb[1], rowBytes);
                _patched++;
            }
        }

        foreach (var (batch, capture, slot) in _captures)
        {
            if (_ubatchOf[batch] != ubatch) continue;
            if (capture.EmbeddingSize != width) throw new InvalidOperationException($"residual width {width} differs from n_embd {capture.EmbeddingSize}.");
            float[] target;
            int offset;
            if (layer == ResultNormLayer)
            {
                target = capture.ResultNorm!;
                offset = slot * capture.EmbeddingSize;
            }
            else
            {
                var layerSlot = Array.IndexOf(capture.Layers, layer);
                if (layerSlot < 0) continue;
                target = capture.Residuals;
                offset = (layerSlot * capture.Positions.Length + slot) * capture.EmbeddingSize;
            }
            var row = Row(batch, outputsOnly, layer);
            fixed (float* destination = &target[offset])
                GgmlNative.ggml_backend_tensor_get(tensor, destination, (nuint)row * (nuint)tensor->nb[1], rowBytes);
            _copies++;
        }
    }

    /// <summary>
    /// After the decode: every requested row must have been copied and every patch written. A graph that
    /// does not name its residuals <c>l_out-N</c> / <c>result_norm</c> would otherwise leave zeros silently.
    /// </summary>
    public void EnsureComplete(string architecture)
    {
        if (_copies < _captures.Count * _layersPerCapture || _patched < _patches.Count || _activationCopies < ExpectedActivationCopies)
            throw new NotSupportedException(
                $"llama.cpp's graph for architecture '{architecture}' did not expose every requested l_out-N / result_norm{ActivationNamesForMessage} tensor; residual capture and patching do not support this model (surprisal still works).");
    }

    private bool AnyCapture(int ubatch)
    {
        foreach (var c in _captures) if (_ubatchOf[c.Batch] == ubatch) return true;
        return false;
    }

    private int Row(int batch, bool outputsOnly, int layer)
    {
        if (!outputsOnly) return _row[batch];
        if (_outputRow[batch] < 0)
            throw new InvalidOperationException($"layer {layer} holds only output rows, and batch token {batch} is not an output.");
        return _outputRow[batch];
    }
}
