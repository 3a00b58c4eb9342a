using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Probing.Gguf;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

/// <summary>
/// The lens's arithmetic as a ggml graph on ggml's CPU kernels, built as llama.cpp builds the end of its graph:
/// <c>ggml_rms_norm</c> (or <c>ggml_norm</c>) then <c>ggml_mul</c> by <c>output_norm.weight</c> (the CPU backend fuses the
/// two, as it does in llama.cpp) and <c>ggml_add</c> of its bias; <c>ggml_mul_mat</c> of the unembedding, whose tensor points
/// at the memory-mapped file's own bytes (nothing is copied or dequantized: the kernel rounds the activations to the
/// weight's vec_dot type, Q8_K for K-quants, Q8_0 for Q8_0, F16 for F16, exactly as in llama.cpp); then
/// <c>output.bias</c> and the soft-cap's scale, tanh, scale. Every tensor's data is ours (no_alloc context): inputs and the
/// caller's output buffer are pinned for the call, the norm's intermediates live in a per-call native buffer.
/// </summary>
internal sealed unsafe class LensProduct
{
    /// <summary>
    /// Most rows in one graph: bounds the norm's intermediates (3 × d_model floats per row) and the quantized
    /// activations; the logits go straight into the caller's buffer.
    /// </summary>
    public const int MaxRows = 256;

    private const int F32 = (int)GgmlType.F32;

    private readonly GgufFile _file;
    private readonly GgufTensorInfo _unembedding; // ne = [d_model, d_vocab]
    private readonly FinalNormKind _kind;
    private readonly float _epsilon;
    private readonly float[] _gain;               // [d_model]
    private readonly float[]? _bias;              // [d_model]
    private readonly float[]? _outputBias;        // [d_vocab]
    private readonly float _softcap;
    private readonly int _threads;

    public LensProduct(GgufFile file, GgufTensorInfo unembedding, FinalNormKind kind, float epsilon, float[] gain, float[]? bias,
        float[]? outputBias, float softcap, int threads)
    {
        _file = file;
        _unembedding = unembedding;
        _kind = kind;
        _epsilon = epsilon;
        _gain = gain;
        _bias = bias;
        _outputBias = outputBias;
        _softcap = softcap;
        _threads = threads;
        EmbeddingSize = (int)unembedding.Dimensions[0];
        VocabularySize = (int)unembedding.Dimensions[1];
        LlamaLibrary.EnsureInitialized();
        GgmlCpuNative.ggml_cpu_init();
    }

    public int EmbeddingSize { get; }

    public int VocabularySize { get; }

    /// <summary>
    /// [rows, d_model] residuals (or, without <paramref name="normalize"/>, already normalized rows) to [rows, d_vocab]
    /// logits (or, without <paramref name="unembed"/>, [rows, d_model] normalized rows) in <paramref name="output"/>.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, int rows, bool normalize, bool unembed, Span<float> output)
    {
        var d = EmbeddingSize;
        var width = unembed ? VocabularySize : d;
        for (var first = 0; first < rows; first += MaxRows)
        {
            var count = Math.Min(MaxRows, rows - first);
            var x = input.Slice(first * d, count * d);
            var y = output.Slice((int)((long)first * width), count * width);
            if (count > 1 || !unembed)
            {
                Compute(x, count, normalize, unembed, y);
                continue;
            }
            // ggml multiplies one row with vec_dot and two or more with llamafile's tiled kernel, which sum in another
            // order: a lone row is computed as a pair, so a row's logits never depend on how many rows came with it.
            var pair = new float[2 * d];
            x.CopyTo(pair);
            x.CopyTo(pair.AsSpan(d));
            var logits = new float[2 * width];
            Compute(pair, 2, normalize, unembed, logits);
            logits.AsSpan(0, width).CopyTo(y);
        }
    }

    private void Compute(ReadOnlySpan<float> input, int rows, bool normalize, bool unembed, Span<float> output)
    {
        var d = EmbeddingSize;
        var weight = _file.GetTensorPointer(_unembedding); // checks the file is still open; a pointer, so any size
        var parameters = new ggml_init_params
        {
            mem_size = GgmlNative.ggml_tensor_overhead() * 24 + GgmlNative.ggml_graph_overhead() + 1024,
            mem_buffer = 0,
            no_alloc = 1,
        };
        var ctx = GgmlNative.ggml_init(parameters);
        if (ctx == 0) throw new OutOfMemoryException("ggml could not allocate a context for the logit lens.");
        var scratch = normalize ? (float*)NativeMemory.AlignedAlloc((nuint)(3L * rows * d * sizeof(float)), 64) : null;
        byte* work = null;
        try
        {
            fixed (float* x = input)
            fixed (float* y = output)
            fixed (float* gain = _gain)
            fixed (float* bias = _bias)
            fixed (float* outputBias = _outputBias)
            {
                var cur = Tensor2d(ctx, F32, d, rows, x); // [d_model, rows]
                if (normalize)
                {
                    var last = !unembed;
                    // llm_graph_context::build_norm: norm, then ggml_mul by the gain, then ggml_add of the bias.
                    cur = Data(_kind == FinalNormKind.RmsNorm ? GgmlNative.ggml_rms_norm(ctx, cur, _epsilon) : GgmlNative.ggml_norm(ctx, cur, _epsilon), scratch);
                    cur = Data(GgmlNative.ggml_mul(ctx, cur, Tensor1d(ctx, d, gain)), last && _bias is null ? y : scratch + (long)rows * d);
                    if (_bias is not null)
                        cur = Data(GgmlNative.ggml_add(ctx, cur, Tensor1d(ctx, d, bias)), last ? y : scratch + 2L * rows * d);
                }
                if (unembed)
                {
                    var w = Tensor2d(ctx, (int)_unembedding.Type, d, VocabularySize, weight);
                    cur = Data(GgmlNative.ggml_mul_mat(ctx, w, cur), y); // [d_vocab, rows]
                    // In place from here on (views of the product in the caller's buffer): the same values as llama.cpp's
                    // separate tensors, element by element.
                    if (_outputBias is not null) cur = GgmlNative.ggml_add_inplace(ctx, cur, Tensor1d(ctx, VocabularySize, outputBias));
                    if (_softcap > 0)
                    {
                        cur = GgmlNative.ggml_scale_inplace(ctx, cur, 1f / _softcap);
                        cur = GgmlNative.ggml_tanh_inplace(ctx, cur);
                        cur = GgmlNative.ggml_scale_inplace(ctx, cur, _softcap);
                    }
                }
                var graph = GgmlNative.ggml_new_graph(ctx);
                GgmlNative.ggml_build_forward_expand(graph, cur);
                var plan = GgmlCpuNative.ggml_graph_plan(graph, _threads, 0);
                if (plan.work_size > 0)
                {
                    work = (byte*)NativeMemory.AlignedAlloc(plan.work_size, 64);
                    plan.work_data = (nint)work;
                }
                var status = GgmlCpuNative.ggml_graph_compute(graph, &plan);
                if (status != GgmlCpuNative.GGML_STATUS_SUCCESS)
                    throw new InvalidOperationException($"ggml could not compute the logit lens (ggml_status {status}).");
            }
        }
        finally
        {
            if (work is not null) NativeMemory.AlignedFree(work);
            if (scratch is not null) NativeMemory.AlignedFree(scratch);
            GgmlNative.ggml_free(ctx);
        }
    }

    private static ggml_tensor* Tensor2d(nint ctx, int type, long ne0, long ne1, void* data) =>
        Data(GgmlNative.ggml_new_tensor_2d(ctx, type, ne0, ne1), data);

    private static ggml_tensor* Tensor1d(nint ctx, long ne0, float* data) => Data(GgmlNative.ggml_new_tensor_1d(ctx, F32, ne0), data);

    private static ggml_tensor* Data(ggml_tensor* tensor, void* data)
    {
        if (tensor is null) throw new OutOfMemoryException("ggml's context for the logit lens is full.");
        tensor->data = (nint)data;
        return tensor;
    }
}
