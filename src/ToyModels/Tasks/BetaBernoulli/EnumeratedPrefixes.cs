namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// The model's prediction after every flip prefix of length N ≤ <see cref="MaxFlips"/>, obtained by running all
/// 2^MaxFlips sequences once (a causal model's prediction after N flips depends only on those N flips).
/// Prefix x of length N has flip k (1-based) equal to bit k−1 of x.
/// </summary>
/// <param name="MinFlips">0 with BOS (the prior prediction exists), else 1.</param>
/// <param name="MaxFlips">The longest prefix enumerated.</param>
/// <param name="PHeads">Per N, P(next = 1) for each of the 2^N prefixes (index = prefix bits).</param>
/// <param name="PTails">Per N, P(next = 0) for each prefix (with BOS, P(0) + P(1) can fall short of 1).</param>
/// <param name="Residuals">Per hook, per N ≤ <see cref="ResidualMaxFlips"/>, the activation at the prediction position, <c>[2^N, width]</c>.</param>
/// <param name="ResidualWidths">Per hook, its width.</param>
/// <param name="ResidualMaxFlips">The longest prefix for which activations were kept.</param>
public sealed record EnumeratedPrefixes(
    int MinFlips,
    int MaxFlips,
    IReadOnlyList<double[]> PHeads,
    IReadOnlyList<double[]> PTails,
    IReadOnlyDictionary<string, IReadOnlyList<float[]>> Residuals,
    IReadOnlyDictionary<string, int> ResidualWidths,
    int ResidualMaxFlips)
{
    /// <summary>Number of heads in the length-<paramref name="n"/> prefix <paramref name="x"/>.</summary>
    public static int Heads(long x, int n) => System.Numerics.BitOperations.PopCount((ulong)(x & ((1L << n) - 1)));

    /// <summary>The last flip of the length-<paramref name="n"/> prefix <paramref name="x"/> (the current token).</summary>
    public static int LastFlip(long x, int n) => (int)((x >> (n - 1)) & 1);
}
