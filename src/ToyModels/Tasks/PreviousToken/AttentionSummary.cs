namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>
/// Attention patterns of one head averaged over a batch, with the numbers the re-deriving-position question
/// needs: how much each query attends to the previous position, and to the first position (BOS).
/// </summary>
/// <param name="Layer">Layer.</param>
/// <param name="Head">Head.</param>
/// <param name="Mean">Mean pattern <c>[query, key]</c>.</param>
/// <param name="PreviousTokenScore">Mean over queries q ≥ 1 of the weight on key q−1.</param>
/// <param name="FirstTokenWeight">Per query, the mean weight on key 0.</param>
/// <param name="UniformDeviation">Mean over queries of |weight on key 0 − 1/(q+1)|: 0 for uniform causal attention (counting).</param>
public sealed record AttentionSummary(int Layer, int Head, double[,] Mean, double PreviousTokenScore, double[] FirstTokenWeight, double UniformDeviation)
{
    /// <summary>Averages <paramref name="patterns"/> (<c>[batch, head, q, k]</c> row-major) over the batch for every head.</summary>
    public static IReadOnlyList<AttentionSummary> FromPatterns(int layer, float[] patterns, int batch, int heads, int nCtx)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Length != batch * heads * nCtx * nCtx) throw new ArgumentException($"expected {batch}×{heads}×{nCtx}×{nCtx} attention weights, got {patterns.Length}.");
        var result = new List<AttentionSummary>();
        for (var h = 0; h < heads; h++)
        {
            var mean = new double[nCtx, nCtx];
            for (var b = 0; b < batch; b++)
                for (var q = 0; q < nCtx; q++)
                    for (var k = 0; k < nCtx; k++)
                        mean[q, k] += patterns[((b * heads + h) * nCtx + q) * nCtx + k];
            for (var q = 0; q < nCtx; q++) for (var k = 0; k < nCtx; k++) mean[q, k] /= batch;
            var prev = Enumerable.Range(1, nCtx - 1).Average(q => mean[q, q - 1]);
            var first = Enumerable.Range(0, nCtx).Select(q => mean[q, 0]).ToArray();
            var uniform = Enumerable.Range(0, nCtx).Average(q => Math.Abs(first[q] - 1.0 / (q + 1)));
            result.Add(new AttentionSummary(layer, h, mean, prev, first, uniform));
        }

        return result;
    }
}
