using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

/// <summary>
/// What the eval callback does during one llama_decode call: which batch rows of which <c>l_out-N</c> (and
/// <c>result_norm</c>) to copy into which <see cref="ResidualCapture"/>, and which rows to overwrite.
/// Batch indices are mapped to tensor rows per ubatch: consecutive chunks of n_ubatch tokens; the last
/// layer and result_norm keep only the rows whose logits were requested (the plan requests them).
/// </summary>
internal sealed unsafe partial class DecodePlan
{
    public const int ResultNormLayer = -1;

    private readonly int _tokenCount;
    private readonly int _ubatchSize;
    private readonly int[] _outputsBefore; // [n_tokens + 1] prefix count of output rows
    private readonly bool[] _isOutput;
    private readonly bool[] _captureLayer;
    private readonly bool _captureNorm;
    private readonly List<(int Batch, ResidualCapture Capture, int Slot)> _captures = [];
    private readonly List<(int Layer, int Batch, float[] Vector)> _patches = [];
    private readonly int _layersPerCapture;
    private int _copies;
    private int _patched;

    public DecodePlan(int tokenCount, int ubatchSize, bool[] isOutput, int layerCount, CaptureRequest? capture)
    {
        _tokenCount = tokenCount;
        _ubatchSize = ubatchSize;
        _isOutput = isOutput;
        _outputsBefore = new int[tokenCount + 1];
        for (var i = 0; i < tokenCount; i++) _outputsBefore[i + 1] = _outputsBefore[i] + (isOutput[i] ? 1 : 0);
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
        var (start, end) = Range(ubatch);
        if (layer == ResultNormLayer) return _captureNorm && AnyCapture(start, end);
        if (layer >= _captureLayer.Length) return false;
        if (_captureLayer[layer] && AnyCapture(start, end)) return true;
        foreach (var p in _patches) if (p.Layer == layer && p.Batch >= start && p.Batch < end) return true;
        return false;
    }

    /// <summary>Writes the patches of this node, then copies the captured rows (ask=false).</summary>
    public void Apply(ggml_tensor* tensor, int layer, int ubatch)
    {
        var (start, end) = Range(ubatch);
        var width = tensor->ne[0];
        var rows = tensor->ne[1];
        var outputsOnly = rows != end - start;
        if (outputsOnly && rows != _outputsBefore[end] - _outputsBefore[start])
            throw new InvalidOperationException($"unexpected shape of layer {layer} output: {rows} rows for ubatch [{start}, {end}).");
        var rowBytes = (nuint)(width * sizeof(float));

        if (layer != ResultNormLayer)
        {
            foreach (var (patchLayer, batch, vector) in _patches)
            {
                if (patchLayer != layer || batch < start || batch >= end) continue;
                if (vector.Length != width) throw new ArgumentException($"patch vector has {vector.Length} floats, the residual has {width}.");
                var row = Row(batch, start, outputsOnly, layer);
                fixed (float* source = vector)
                    GgmlNative.ggml_backend_tensor_set(tensor, source, (nuint)row * (nuint)tensor->nb[1], rowBytes);
                _patched++;
            }
        }

        foreach (var (batch, capture, slot) in _captures)
        {
            if (batch < start || batch >= end) continue;
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
            var row = Row(batch, start, outputsOnly, layer);
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

    private (int Start, int End) Range(int ubatch)
    {
        var start = Math.Max(0, ubatch) * _ubatchSize;
        return (start, Math.Min(_tokenCount, start + _ubatchSize));
    }

    private bool AnyCapture(int start, int end)
    {
        foreach (var c in _captures) if (c.Batch >= start && c.Batch < end) return true;
        return false;
    }

    private int Row(int batch, int start, bool outputsOnly, int layer)
    {
        if (!outputsOnly) return batch - start;
        if (!_isOutput[batch])
            throw new InvalidOperationException($"layer {layer} holds only output rows, and batch token {batch} is not an output.");
        return _outputsBefore[batch] - _outputsBefore[start];
    }
}
