using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl.Heads;

/// <summary>One attributed answer: the position that predicts its first informative token.</summary>
/// <param name="Context">Context number (1-based).</param>
/// <param name="Example">Example index within the context (1-based).</param>
/// <param name="X">The example's x.</param>
/// <param name="Y">The example's answer.</param>
/// <param name="Position">Token index whose next-token prediction is explained.</param>
/// <param name="Token">The correct token (the answer's first informative token).</param>
/// <param name="Piece">Its text.</param>
public sealed record HeadSite(int Context, int Example, long X, long Y, int Position, int Token, string Piece);

/// <summary>
/// What <c>probe icl heads</c> measured. Arrays are indexed [site] or [site][layer][head], in the order of
/// <see cref="Sites"/>; all attributions are in logits of <c>logit[correct] − mean(logit[baseline])</c>.
/// </summary>
public sealed record IclHeadsResult(
    IclHeadsOptions Options,
    ModelIdentity Model,
    IReadOnlyList<HeadSite> Sites,
    int[] HeadCounts,
    double[][][] Heads,
    double[] Embedding,
    double[][] AttentionBias,
    double[][] Mlp,
    double[] Constant,
    double[] Actual,
    int BaselineSize,
    double[]? NumericTopFraction,
    AttributionCompleteness Completeness,
    string OutputProjectionType,
    bool Partial)
{
    /// <summary>Mean over sites of each head's attribution, [layer][head].</summary>
    public double[][] MeanHeads() =>
        HeadCounts.Select((n, l) => Enumerable.Range(0, n).Select(h => Sites.Count == 0 ? 0 : Heads.Average(s => s[l][h])).ToArray()).ToArray();

    /// <summary>The first layer at which the lens's top token is numeric at more than half of the sites, or null.</summary>
    public int? FirstNumericLayer => NumericTopFraction is { } f && Array.FindIndex(f, v => v > 0.5) is var i and >= 0 ? i : null;
}
