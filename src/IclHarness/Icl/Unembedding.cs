using System.Numerics;
using System.Runtime.InteropServices;
using Probing.IclHarness.Gguf;

namespace Probing.IclHarness.Icl;

/// <summary>
/// The model's final norm and unembedding, read from the GGUF file, for the logit lens: logits =
/// W_U · norm(residual) (TransformerLens <c>accumulated_resid</c> + <c>apply_ln_to_stack</c> + unembed).
/// RMSNorm (llama, qwen2, mistral…) or LayerNorm when the file has <c>output_norm.bias</c>. Tied models
/// unembed with <c>token_embd.weight</c>.
/// </summary>
internal sealed class Unembedding
{
    private readonly float[] _weight; // [n_vocab, n_embd]
    private readonly float[] _gamma;  // [n_embd]
    private readonly float[]? _beta;  // [n_embd], LayerNorm only
    private readonly float _eps;

    public Unembedding(GgufFile gguf)
    {
        var arch = gguf.Architecture;
        var output = gguf.FindTensor("output.weight") is not null ? "output.weight" : "token_embd.weight";
        var info = gguf.GetTensor(output);
        EmbeddingSize = checked((int)info.Dimensions[0]);
        VocabSize = checked((int)info.Dimensions[1]);
        _weight = gguf.ReadTensorFloats(output);
        _gamma = gguf.ReadTensorFloats("output_norm.weight");
        _beta = gguf.FindTensor("output_norm.bias") is not null ? gguf.ReadTensorFloats("output_norm.bias") : null;
        var epsKey = _beta is null ? $"{arch}.attention.layer_norm_rms_epsilon" : $"{arch}.attention.layer_norm_epsilon";
        _eps = gguf.Contains(epsKey) ? gguf.GetFloat32(epsKey) : 1e-5f;
    }

    public int EmbeddingSize { get; }

    public int VocabSize { get; }

    /// <summary>Logits of a residual-stream vector: final norm, then unembed.</summary>
    public void LensLogits(ReadOnlySpan<float> residual, Span<float> logits)
    {
        var normed = new float[EmbeddingSize];
        Normalize(residual, normed);
        Unembed(normed, logits);
    }

    /// <summary>Logits of an already normalized vector (result_norm).</summary>
    public void Unembed(ReadOnlySpan<float> normalized, Span<float> logits)
    {
        var width = EmbeddingSize;
        for (var v = 0; v < VocabSize; v++) logits[v] = Dot(_weight.AsSpan(v * width, width), normalized);
    }

    private void Normalize(ReadOnlySpan<float> x, Span<float> y)
    {
        double mean = 0;
        if (_beta is not null)
        {
            foreach (var v in x) mean += v;
            mean /= x.Length;
        }
        double sq = 0;
        foreach (var v in x) sq += (v - mean) * (v - mean);
        var scale = 1.0 / Math.Sqrt(sq / x.Length + _eps);
        for (var i = 0; i < x.Length; i++) y[i] = (float)((x[i] - mean) * scale) * _gamma[i] + (_beta?[i] ?? 0f);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var acc = Vector<float>.Zero;
        for (var i = 0; i < va.Length; i++) acc += va[i] * vb[i];
        var sum = Vector.Sum(acc);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
