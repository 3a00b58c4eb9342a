using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;

namespace Probing.ToyModels.Tests.Trigram.Reference;

/// <summary>
/// The QK and OV circuits of the single head, and the direct path, as [d_vocab, d_vocab] (or [n_ctx, n_ctx])
/// matrices in double, row-major.
/// </summary>
internal static class ReferenceCircuits
{
    /// <summary>Token QK circuit (W_E W_Q)(W_E W_K)ᵀ / √d_head: [query token, key token], biases left out.</summary>
    public static double[] QkToken(OneLayerWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var q = Mat.MatMul(w.WE, w.WQ, w.DVocab, w.DModel, w.DHead); // [d_vocab, d_head]
        var k = Mat.MatMul(w.WE, w.WK, w.DVocab, w.DModel, w.DHead); // [d_vocab, d_head]
        return Scale(Mat.MatMulTransposed(q, k, w.DVocab, w.DHead, w.DVocab), 1 / Math.Sqrt(w.DHead));
    }

    /// <summary>Positional QK circuit (W_pos W_Q)(W_pos W_K)ᵀ / √d_head: [query position, key position].</summary>
    public static double[] QkPositional(OneLayerWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var q = Mat.MatMul(w.WPos, w.WQ, w.NCtx, w.DModel, w.DHead); // [n_ctx, d_head]
        var k = Mat.MatMul(w.WPos, w.WK, w.NCtx, w.DModel, w.DHead); // [n_ctx, d_head]
        return Scale(Mat.MatMulTransposed(q, k, w.NCtx, w.DHead, w.NCtx), 1 / Math.Sqrt(w.DHead));
    }

    /// <summary>
    /// The full pre-softmax score of query token y at position p against key token x at p − 1, with
    /// positional embeddings, cross terms and biases, averaged over p = 1 … n_ctx − 2 (where a Y can sit):
    /// [query token, key token].
    /// </summary>
    public static double[] QkAdjacentFull(OneLayerWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        int v = w.DVocab, d = w.DModel, dh = w.DHead;
        var result = new double[v * v];
        var count = 0;
        var emb = new double[v * d];                       // [d_vocab, d_model]
        for (var p = 1; p <= w.NCtx - 2; p++, count++)
        {
            var q = Mat.AddRow(Mat.MatMul(WithPosition(w, p, emb), w.WQ, v, d, dh), w.BQ, v, dh);      // [d_vocab, d_head]
            var k = Mat.AddRow(Mat.MatMul(WithPosition(w, p - 1, emb), w.WK, v, d, dh), w.BK, v, dh);  // [d_vocab, d_head]
            var s = Mat.MatMulTransposed(q, k, v, dh, v);
            for (var i = 0; i < s.Length; i++) result[i] += s[i];
        }
        return Scale(result, 1 / (Math.Sqrt(dh) * Math.Max(1, count)));
    }

    /// <summary>Token OV circuit W_E W_V W_O W_U: [source (attended) token, output logit], biases left out.</summary>
    public static double[] OvToken(OneLayerWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var ev = Mat.MatMul(w.WE, w.WV, w.DVocab, w.DModel, w.DHead);  // [d_vocab, d_head]
        var evo = Mat.MatMul(ev, w.WO, w.DVocab, w.DHead, w.DModel);   // [d_vocab, d_model]
        return Mat.MatMul(evo, w.WU, w.DVocab, w.DModel, w.DVocab);      // [d_vocab, d_vocab]
    }

    /// <summary>Direct path W_E W_U: [current token, output logit].</summary>
    public static double[] DirectToken(OneLayerWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return Mat.MatMul(w.WE, w.WU, w.DVocab, w.DModel, w.DVocab);
    }

    private static double[] WithPosition(OneLayerWeights w, int position, double[] buffer)
    {
        for (var t = 0; t < w.DVocab; t++)
        for (var j = 0; j < w.DModel; j++)
            buffer[t * w.DModel + j] = w.WE[t * w.DModel + j] + w.WPos[position * w.DModel + j];
        return buffer;
    }

    private static double[] Scale(double[] a, double s)
    {
        for (var i = 0; i < a.Length; i++) a[i] *= s;
        return a;
    }
}
