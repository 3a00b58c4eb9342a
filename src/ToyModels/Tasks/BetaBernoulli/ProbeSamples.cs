namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Activations at every predicted position of sequences drawn from the data distribution, with the
/// sufficient statistics there: rows are (sequence, position) pairs.
/// </summary>
/// <param name="Heads">H, heads seen, per row.</param>
/// <param name="Flips">N, flips seen, per row.</param>
/// <param name="PosteriorMean">The exact Bayes predictive P(next = 1) per row.</param>
/// <param name="ModelPHeads">The model's P(next = 1) per row.</param>
/// <param name="Features">Per hook, <c>[rows, width]</c>.</param>
/// <param name="Widths">Per hook, its width.</param>
public sealed record ProbeSamples(
    int[] Heads,
    int[] Flips,
    double[] PosteriorMean,
    double[] ModelPHeads,
    IReadOnlyDictionary<string, float[]> Features,
    IReadOnlyDictionary<string, int> Widths)
{
    /// <summary>Number of rows.</summary>
    public int Count => Heads.Length;
}
