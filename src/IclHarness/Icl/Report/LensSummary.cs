using Probing.IclHarness.Icl.Scoring;

namespace Probing.IclHarness.Icl.Report;

/// <summary>
/// The logit lens in a few numbers per layer: how much probability the correct first informative token gets, and
/// how often it is the top token, over all answers and over the later examples (once the rule can be known).
/// </summary>
/// <param name="Layer">Block whose output residual (l_out-Layer) is read.</param>
/// <param name="MeanPCorrect">Mean P(correct first informative token) over all answers.</param>
/// <param name="TopOneFraction">Fraction of all answers whose correct first informative token is the top token.</param>
/// <param name="LateMeanPCorrect">The mean P over the later examples (index ≥ <see cref="LensSummary.LateFrom"/>).</param>
/// <param name="LateTopOneFraction">The top-1 fraction over the later examples.</param>
/// <param name="TopNumericFraction">Fraction of all answers whose top token is a number.</param>
public sealed record LensLayerSummary(int Layer, double MeanPCorrect, double TopOneFraction, double LateMeanPCorrect, double LateTopOneFraction, double TopNumericFraction);

/// <summary>Per-layer lens figures, and the layer from which the correct answer is the top token.</summary>
/// <param name="LateFrom">First example index counted as "later": the second half of the examples.</param>
/// <param name="Layers">One row per layer, in order.</param>
public sealed record LensSummary(int LateFrom, IReadOnlyList<LensLayerSummary> Layers)
{
    /// <summary>
    /// The first layer from which on (through the last layer) the correct first informative token is the top token
    /// for at least half of the later answers; null when the last layer itself does not reach that.
    /// </summary>
    public int? TopFromLayer
    {
        get
        {
            int? from = null;
            for (var i = Layers.Count - 1; i >= 0 && Layers[i].LateTopOneFraction >= 0.5; i--) from = Layers[i].Layer;
            return from;
        }
    }

    /// <summary>Summarizes <paramref name="lens"/> of a run with <paramref name="examples"/> examples per context.</summary>
    public static LensSummary Of(IReadOnlyList<LensMeasurement> lens, int examples)
    {
        ArgumentNullException.ThrowIfNull(lens);
        var lateFrom = examples / 2 + 1;
        var rows = lens.GroupBy(l => l.Layer).OrderBy(g => g.Key).Select(g =>
        {
            var late = g.Where(l => l.Index >= lateFrom).ToList();
            return new LensLayerSummary(g.Key, g.Average(l => l.PCorrectFirst), g.Average(l => l.RankCorrectFirst == 1 ? 1.0 : 0.0),
                late.Count == 0 ? double.NaN : late.Average(l => l.PCorrectFirst),
                late.Count == 0 ? double.NaN : late.Average(l => l.RankCorrectFirst == 1 ? 1.0 : 0.0),
                g.Average(l => l.TopIsNumeric ? 1.0 : 0.0));
        }).ToList();
        return new LensSummary(lateFrom, rows);
    }
}
