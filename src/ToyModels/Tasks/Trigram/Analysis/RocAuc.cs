namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Area under the ROC curve, as the Mann–Whitney probability that a positive outscores a negative.</summary>
public static class RocAuc
{
    /// <summary>
    /// P(score⁺ &gt; score⁻) + ½·P(score⁺ = score⁻), from ranks (ties get their average rank). 1 means every
    /// positive outscores every negative, 0.5 is chance.
    /// </summary>
    public static double Compute(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        if (positives.Count == 0 || negatives.Count == 0)
            throw new ArgumentException("ROC AUC needs at least one positive and one negative score.");
        var all = positives.Select(s => (Score: s, Positive: true)).Concat(negatives.Select(s => (Score: s, Positive: false)))
            .OrderBy(x => x.Score).ToArray();
        double positiveRankSum = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j + 1 < all.Length && all[j + 1].Score == all[i].Score) j++;
            var averageRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (var t = i; t <= j; t++) if (all[t].Positive) positiveRankSum += averageRank;
            i = j + 1;
        }
        double nPos = positives.Count, nNeg = negatives.Count;
        return (positiveRankSum - nPos * (nPos + 1) / 2) / (nPos * nNeg);
    }
}
