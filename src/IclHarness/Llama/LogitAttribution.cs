namespace Probing.IclHarness.Llama;

/// <summary>
/// Direct logit attribution of a batch of <see cref="AttributionSite"/>s: every component that writes to the
/// residual stream, through the final norm with its scale frozen from the real run, onto each site's logit
/// difference. Arrays are row-major; the components sum to <see cref="Reconstructed"/>.
/// </summary>
public sealed class LogitAttribution
{
    internal LogitAttribution(int sites, int[] headCounts)
    {
        Sites = sites;
        HeadCounts = headCounts;
        Heads = headCounts.Select(h => new double[sites * h]).ToArray();
        AttentionBias = new double[sites * headCounts.Length];
        Mlp = new double[sites * headCounts.Length];
        Embedding = new double[sites];
        Constant = new double[sites];
        Actual = new double[sites];
        Scale = new double[sites];
    }

    /// <summary>Number of sites.</summary>
    public int Sites { get; }

    /// <summary>n_head of each layer.</summary>
    public int[] HeadCounts { get; }

    /// <summary>Per layer: [site, head] attributions of z_h·W_O[h] (TransformerLens hook_result).</summary>
    public double[][] Heads { get; }

    /// <summary>[site, layer]: b_O of each layer (zero without attention biases).</summary>
    public double[] AttentionBias { get; }

    /// <summary>[site, layer]: the MLP block, l_out-N − ffn_inp-N.</summary>
    public double[] Mlp { get; }

    /// <summary>[site]: the token embedding (inp_embd).</summary>
    public double[] Embedding { get; }

    /// <summary>[site]: terms that no residual component carries: the final LayerNorm's bias and the unembedding bias.</summary>
    public double[] Constant { get; }

    /// <summary>[site]: the logit difference llama.cpp's own final norm (<c>result_norm</c>) gives through the unembedding.</summary>
    public double[] Actual { get; }

    /// <summary>[site]: the frozen final-norm scale, sqrt(mean(x²) + ε) (centered for LayerNorm) of the final residual.</summary>
    public double[] Scale { get; }

    /// <summary>Completeness, measured on this batch.</summary>
    public AttributionCompleteness Completeness { get; internal set; } = null!;

    /// <summary>The sum of every component at a site: equals <see cref="Actual"/> up to <see cref="AttributionCompleteness.WorstLogitError"/>.</summary>
    public double Reconstructed(int site)
    {
        var sum = Embedding[site] + Constant[site];
        for (var l = 0; l < HeadCounts.Length; l++)
        {
            for (var h = 0; h < HeadCounts[l]; h++) sum += Heads[l][site * HeadCounts[l] + h];
            sum += AttentionBias[site * HeadCounts.Length + l] + Mlp[site * HeadCounts.Length + l];
        }
        return sum;
    }
}

/// <summary>
/// How exactly the decomposition reproduces llama.cpp's own activations (relative L2 errors, worst over sites).
/// </summary>
/// <param name="WorstAttentionError">max over layers and sites of ‖Σ_h result_h + b_O − (ffn_inp-N − l_out-(N−1))‖ / ‖ffn_inp-N − l_out-(N−1)‖ (l_out-(−1) is inp_embd).</param>
/// <param name="WorstAttentionLayer">The layer of <paramref name="WorstAttentionError"/>.</param>
/// <param name="WorstResidualError">max over sites of ‖inp_embd + Σ_N (Σ_h result_h + b_O + mlp_N) − l_out-last‖ / ‖l_out-last‖.</param>
/// <param name="WorstLogitError">max over sites of |Σ attributions − actual logit difference| / Σ |attributions|.</param>
/// <param name="Tolerance">The bound the errors were checked against.</param>
public sealed record AttributionCompleteness(double WorstAttentionError, int WorstAttentionLayer, double WorstResidualError, double WorstLogitError, double Tolerance)
{
    /// <summary>The largest of the three errors.</summary>
    public double WorstError => Math.Max(WorstAttentionError, Math.Max(WorstResidualError, WorstLogitError));

    /// <summary>Whether every error is within <see cref="Tolerance"/>.</summary>
    public bool Passed => WorstError <= Tolerance;

    /// <summary>The worse of two measurements (for combining batches).</summary>
    public AttributionCompleteness Max(AttributionCompleteness other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Math.Max(WorstAttentionError, other.WorstAttentionError),
            other.WorstAttentionError > WorstAttentionError ? other.WorstAttentionLayer : WorstAttentionLayer,
            Math.Max(WorstResidualError, other.WorstResidualError), Math.Max(WorstLogitError, other.WorstLogitError), Math.Max(Tolerance, other.Tolerance));
    }
}
