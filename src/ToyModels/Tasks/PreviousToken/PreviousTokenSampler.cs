namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>Draws previous-token batches as flat arrays <c>[batch, n_ctx]</c>; deterministic for a seeded <see cref="Random"/>.</summary>
public static class PreviousTokenSampler
{
    /// <summary>Samples tokens, targets (token t−1 at position t) and the loss mask.</summary>
    public static (long[] Tokens, long[] Targets, float[] Mask) Sample(PreviousTokenDataOptions options, int batch, Random rng)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        if (batch < 1) throw new ArgumentException($"the batch size must be at least 1 (got {batch}).");
        var n = options.NCtx;
        var tokens = new long[batch * n];
        var targets = new long[batch * n];
        var mask = new float[batch * n];
        for (var b = 0; b < batch; b++)
        {
            var row = b * n;
            for (var t = 0; t < n; t++) tokens[row + t] = options.Bos && t == 0 ? options.BosToken : rng.Next(options.Vocab);
            for (var t = 1; t < n; t++) targets[row + t] = tokens[row + t - 1];
            for (var t = options.FirstScoredPosition; t < n; t++) mask[row + t] = 1f;
        }

        return (tokens, targets, mask);
    }
}
