namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// The fixed, log-shaped positional embedding of the <c>bottleneck</c> preset (seed 000 froze a log-shaped
/// W_pos). Exact shape used here: <c>W_pos[i, 0] = ln(1 + i) / ln(n_ctx)</c> for i = 0 … n_ctx−1, and
/// <c>W_pos[i, d] = 0</c> for every other dimension d. Component 0 therefore rises from 0 at the first
/// position to ln(n_ctx)/ln(n_ctx) … ≈ 1 at the last, concave like the posterior's 1/(N+α+β) shrinkage
/// scale, and the remaining dimensions are left to the token embedding.
/// </summary>
public static class LogPositionalEmbedding
{
    /// <summary>The table W_pos, <c>[n_ctx, d_model]</c> row-major.</summary>
    public static float[] Create(int nCtx, int dModel)
    {
        if (nCtx < 2) throw new ArgumentException($"the log positional embedding needs n_ctx ≥ 2 (got {nCtx}).");
        if (dModel < 1) throw new ArgumentException($"the log positional embedding needs d_model ≥ 1 (got {dModel}).");
        var table = new float[nCtx * dModel]; // [n_ctx, d_model]
        var scale = Math.Log(nCtx);
        for (var i = 0; i < nCtx; i++) table[i * dModel] = (float)(Math.Log(1.0 + i) / scale);
        return table;
    }
}
