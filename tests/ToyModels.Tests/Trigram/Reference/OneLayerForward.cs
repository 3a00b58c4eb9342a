using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;

namespace Probing.ToyModels.Tests.Trigram.Reference;

/// <summary>
/// A plain-C# forward pass of a 1-layer, 1-head, LayerNorm-free transformer, with zero-ablation switches.
/// It is the reference the TorchSharp model is checked against, and what the ablation analysis runs.
/// </summary>
internal static class OneLayerForward
{
    /// <summary>Runs the model on row-major tokens [batch, seqLen].</summary>
    /// <param name="w">The weights.</param>
    /// <param name="tokens">Tokens, row-major [batch, seqLen].</param>
    /// <param name="batch">Number of sequences.</param>
    /// <param name="seqLen">Positions per sequence (at most n_ctx).</param>
    /// <param name="zeroAttn">Zero-ablate <c>hook_attn_out</c> (the MLP then sees only the embeddings).</param>
    /// <param name="zeroMlp">Zero-ablate <c>hook_mlp_out</c>.</param>
    /// <param name="zeroEmbedAtOutput">Remove the direct path (resid_pre) from the final residual only; attention and MLP still read it.</param>
    public static ForwardActivations Run(OneLayerWeights w, IReadOnlyList<int> tokens, int batch, int seqLen,
        bool zeroAttn = false, bool zeroMlp = false, bool zeroEmbedAtOutput = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(tokens);
        w.Validate();
        if (seqLen > w.NCtx) throw new ArgumentException($"Sequences of {seqLen} tokens exceed n_ctx {w.NCtx}.", nameof(seqLen));
        if (tokens.Count != batch * seqLen) throw new ArgumentException($"Expected {batch * seqLen} tokens for [{batch}, {seqLen}], got {tokens.Count}.", nameof(tokens));
        int d = w.DModel, dh = w.DHead, v = w.DVocab, m = w.DMlp;
        var logits = new float[batch * seqLen * v];
        var pattern = new float[batch * seqLen * seqLen];
        var residPre = new float[batch * seqLen * d];
        var attnOut = new float[batch * seqLen * d];
        var mlpOut = new float[batch * seqLen * d];
        var scale = 1.0 / Math.Sqrt(dh);
        Parallel.For(0, batch, b =>
        {
            var x = new double[seqLen * d];                 // [pos, d_model]
            for (var p = 0; p < seqLen; p++)
            {
                var tok = tokens[b * seqLen + p];
                if (tok < 0 || tok >= v) throw new ArgumentException($"Token {tok} is outside [0, {v}).", nameof(tokens));
                for (var j = 0; j < d; j++) x[p * d + j] = w.WE[tok * d + j] + w.WPos[p * d + j];
            }
            var q = Mat.AddRow(Mat.MatMul(x, w.WQ, seqLen, d, dh), w.BQ, seqLen, dh); // [pos, d_head]
            var k = Mat.AddRow(Mat.MatMul(x, w.WK, seqLen, d, dh), w.BK, seqLen, dh); // [pos, d_head]
            var val = Mat.AddRow(Mat.MatMul(x, w.WV, seqLen, d, dh), w.BV, seqLen, dh); // [pos, d_head]
            var z = new double[seqLen * dh];                // [pos, d_head]
            var row = new double[seqLen];
            for (var i = 0; i < seqLen; i++)
            {
                var max = double.NegativeInfinity;
                for (var j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (var t = 0; t < dh; t++) s += q[i * dh + t] * k[j * dh + t];
                    row[j] = s * scale;
                    if (row[j] > max) max = row[j];
                }
                double sum = 0;
                for (var j = 0; j <= i; j++) { row[j] = Math.Exp(row[j] - max); sum += row[j]; }
                for (var j = 0; j <= i; j++)
                {
                    var a = row[j] / sum;
                    pattern[(b * seqLen + i) * seqLen + j] = (float)a;
                    for (var t = 0; t < dh; t++) z[i * dh + t] += a * val[j * dh + t];
                }
            }
            var attn = Mat.AddRow(Mat.MatMul(z, w.WO, seqLen, dh, d), w.BO, seqLen, d); // [pos, d_model]
            if (zeroAttn) Array.Clear(attn);
            var mid = new double[seqLen * d];               // [pos, d_model]
            for (var i = 0; i < mid.Length; i++) mid[i] = x[i] + attn[i];
            var mlp = new double[seqLen * d];               // [pos, d_model]
            if (w.HasMlp && !zeroMlp)
            {
                var pre = Mat.AddRow(Mat.MatMul(mid, w.WIn, seqLen, d, m), w.BIn, seqLen, m); // [pos, d_mlp]
                for (var i = 0; i < pre.Length; i++) pre[i] = Activation(w.ActFn, pre[i]);
                mlp = Mat.AddRow(Mat.MatMul(pre, w.WOut, seqLen, m, d), w.BOut, seqLen, d);
            }
            var final = new double[seqLen * d];             // [pos, d_model]
            for (var i = 0; i < final.Length; i++) final[i] = (zeroEmbedAtOutput ? 0 : x[i]) + attn[i] + mlp[i];
            var lg = Mat.AddRow(Mat.MatMul(final, w.WU, seqLen, d, v), w.BU, seqLen, v); // [pos, d_vocab]
            var o = b * seqLen;
            for (var i = 0; i < seqLen * v; i++) logits[o * v + i] = (float)lg[i];
            for (var i = 0; i < seqLen * d; i++)
            {
                residPre[o * d + i] = (float)x[i];
                attnOut[o * d + i] = (float)attn[i];
                mlpOut[o * d + i] = (float)mlp[i];
            }
        });
        return new ForwardActivations(batch, seqLen, logits, pattern, residPre, attnOut, mlpOut);
    }

    /// <summary>Logits at the last position of each short sequence (for the trigram-set metrics), row-major [n, d_vocab].</summary>
    public static float[] LastPositionLogits(OneLayerWeights w, IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var result = new float[sequences.Count * w.DVocab];
        if (sequences.Count == 0) return result;
        var len = sequences[0].Length;
        var flat = sequences.SelectMany(s => s.Length == len ? s : throw new ArgumentException("All sequences must have the same length.", nameof(sequences))).ToArray();
        var acts = Run(w, flat, sequences.Count, len);
        for (var i = 0; i < sequences.Count; i++)
            Array.Copy(acts.Logits, ((i * len) + len - 1) * w.DVocab, result, i * w.DVocab, w.DVocab);
        return result;
    }

    private static double Activation(string name, double x) => name switch
    {
        "relu" => x > 0 ? x : 0,
        "gelu_new" => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        "silu" => x / (1 + Math.Exp(-x)),
        _ => throw new NotSupportedException($"act_fn '{name}' is not supported; use relu, gelu_new or silu."),
    };
}
