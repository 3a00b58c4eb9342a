using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>
/// One head's QK and OV circuits and the direct path, read from the model's own circuits
/// (<see cref="HookedTransformer.QKCircuit"/>, <see cref="HookedTransformer.OVCircuit"/>), as row-major double
/// [d_vocab, d_vocab] (or [n_ctx, n_ctx]) matrices. Norms are not included: fold them first
/// (<see cref="HookedTransformer.FoldLayerNorm"/>); run the model in float64 for double-precision circuits.
/// </summary>
public static class TrigramCircuits
{
    /// <summary>Token QK circuit W_E W_Q W_Kᵀ W_Eᵀ / √d_head: [query token, key token], biases left out.</summary>
    public static double[] QkToken(HookedTransformer model, int layer, int head)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        return Scale(ToDoubles(model.QKCircuit(layer)[head]), 1 / Math.Sqrt(model.Config.DHead)); // [d_vocab, d_vocab]
    }

    /// <summary>Positional QK circuit W_pos W_Q W_Kᵀ W_posᵀ / √d_head: [query position, key position].</summary>
    public static double[] QkPositional(HookedTransformer model, int layer, int head)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        return Scale(ToDoubles(model.PositionalQKCircuit(layer)[head]), 1 / Math.Sqrt(model.Config.DHead)); // [n_ctx, n_ctx]
    }

    /// <summary>
    /// The full pre-softmax score of query token y at position p against key token x at p − 1, with
    /// positional embeddings, cross terms and biases, averaged over p = 1 … n_ctx − 2 (where a Y can sit):
    /// [query token, key token].
    /// </summary>
    public static double[] QkAdjacentFull(HookedTransformer model, int layer, int head)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var attn = model.blocks[layer].attn;
        var wE = model.W_E.detach();                                         // [d_vocab, d_model]
        var wPos = (model.W_pos ?? throw new ArgumentException("the adjacent QK score needs learned positions (W_pos).")).detach(); // [n_ctx, d_model]
        var (wQ, wK) = (attn.W_Q.detach()[head], attn.W_K.detach()[head]); // [d_model, d_head]
        var (bQ, bK) = (attn.b_Q.detach()[head], attn.b_K.detach()[head]); // [d_head]
        var sum = zeros([wE.shape[0], wE.shape[0]], dtype: wE.dtype);        // [d_vocab, d_vocab]
        var count = 0;
        for (var p = 1; p <= model.Config.NCtx - 2; p++, count++)
        {
            var q = matmul(wE.Plus(wPos[p]), wQ).Plus(bQ);                    // [d_vocab, d_head]
            var k = matmul(wE.Plus(wPos[p - 1]), wK).Plus(bK);                // [d_vocab, d_head]
            sum = sum.Plus(matmul(q, k.t()));                                 // [d_vocab, d_vocab]
        }
        return Scale(ToDoubles(sum), 1 / (Math.Sqrt(model.Config.DHead) * Math.Max(1, count)));
    }

    /// <summary>Token OV circuit W_E W_V W_O W_U: [source (attended) token, output logit], biases left out.</summary>
    public static double[] OvToken(HookedTransformer model, int layer, int head)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        return ToDoubles(model.OVCircuit(layer)[head]); // [d_vocab, d_vocab]
    }

    /// <summary>Direct path W_E W_U: [current token, output logit].</summary>
    public static double[] DirectToken(HookedTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ToDoubles(matmul(model.W_E.detach(), model.W_U.detach())); // [d_vocab, d_vocab]
    }

    /// <summary>Top-1 accuracy over the set: argmax of OV[X] (+ Direct[Y] when given) equals Z.</summary>
    /// <param name="set">The trigrams.</param>
    /// <param name="ov">OV circuit [d_vocab, d_vocab].</param>
    /// <param name="direct">Direct path [d_vocab, d_vocab], or null for the OV circuit alone.</param>
    /// <param name="correct">Receives, per trigram in set order, whether the prediction is Z.</param>
    public static double TopOneAccuracy(TrigramSet set, double[] ov, double[]? direct, out bool[] correct)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(ov);
        var v = set.DVocab;
        correct = new bool[set.Count];
        var row = new double[v];
        var hits = 0;
        for (var i = 0; i < set.Count; i++)
        {
            var t = set.Trigrams[i];
            for (var j = 0; j < v; j++) row[j] = ov[t.X * v + j] + (direct is null ? 0 : direct[t.Y * v + j]);
            correct[i] = ArgMax(row) == t.Z;
            if (correct[i]) hits++;
        }
        return set.Count == 0 ? 0 : (double)hits / set.Count;
    }

    /// <summary>ROC AUC of a [query token, key token] score for trigram pairs (Y, X) against every other pair.</summary>
    public static double PairAuc(TrigramSet set, double[] score)
    {
        var (pos, neg) = SplitPairs(set, score);
        return RocAuc.Compute(pos, neg);
    }

    /// <summary>Scores of trigram pairs (query Y, key X) and of all other pairs.</summary>
    public static (List<double> Trigram, List<double> Other) SplitPairs(TrigramSet set, double[] score)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(score);
        var v = set.DVocab;
        var isPair = new bool[v * v];
        foreach (var t in set.Trigrams) isPair[t.Y * v + t.X] = true;
        var pos = new List<double>();
        var neg = new List<double>();
        for (var i = 0; i < v * v; i++) (isPair[i] ? pos : neg).Add(score[i]);
        return (pos, neg);
    }

    /// <summary>Index of the largest value of a row (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<double> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    /// <summary>A tensor's values as row-major doubles.</summary>
    internal static double[] ToDoubles(Tensor t) => t.detach().cpu().to(ScalarType.Float64).contiguous().data<double>().ToArray();

    private static double[] Scale(double[] a, double s)
    {
        for (var i = 0; i < a.Length; i++) a[i] *= s;
        return a;
    }
}
