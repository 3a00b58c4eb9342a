using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Scoring;

namespace Probing.IclHarness.Icl;

/// <summary>Everything a run measured; <see cref="IclRunWriter"/> turns it into files.</summary>
/// <param name="Options">The parameters.</param>
/// <param name="Model">The model's identity (path, sha256, layers, vocabulary).</param>
/// <param name="ContextsFinished">Contexts measured (fewer than asked when interrupted).</param>
/// <param name="Partial">True when the run was interrupted and holds only finished contexts.</param>
/// <param name="Examples">Per context and example.</param>
/// <param name="Lens">Per context, example and layer.</param>
/// <param name="IntegerLens">[layer][n]: mean probability of the integer tokens of n at the position before the last example's first informative token, over the contexts where that token starts with a digit (not a minus sign); NaN for an n that has no token of its own.</param>
/// <param name="Sweep">The prediction sweep (context 1).</param>
/// <param name="Summaries">Per example index, averaged over contexts.</param>
/// <param name="Fit">The two-hypothesis fit.</param>
public sealed record IclRunResult(
    IclRunOptions Options, ModelIdentity Model, int ContextsFinished, bool Partial,
    IReadOnlyList<ExampleMeasurement> Examples, IReadOnlyList<LensMeasurement> Lens, double[][] IntegerLens,
    IReadOnlyList<SweepPoint> Sweep, IReadOnlyList<ExampleSummary> Summaries, IclFit Fit)
{
    /// <summary>What the reader must know to trust the numbers (a failed sweep, an ideal learner outside its family, …); printed and reported.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
