using FsCheck.Xunit;
using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks.Trigram.Analysis;
using Probing.ToyModels.Tests.Trigram.Reference;

namespace Probing.ToyModels.Tests.Trigram;

public sealed class TrigramAnalysisTests
{
    private static readonly HookedTransformer Model = ReferenceModel.ToHookedTransformer(HandBuiltTrigramModel.Build());
    private static readonly TrigramDataset Dataset = new(HandBuiltTrigramModel.Set, HandBuiltTrigramModel.T, 0.05);
    private static readonly TrigramBatch Batch = Dataset.Sample(400, new Random(11));

    [Fact]
    public void GivenHandBuiltSolver_WhenRun_ThenEveryTrigramIsPredictedAndMetricsSaySo()
    {
        Assert.NotEmpty(Batch.CompletionPositions);
        var m = TrigramAnalysis.Metrics(Model, Dataset, Batch);
        Assert.Equal(1, m.OccurrenceFracCorrect);
        Assert.Equal(2, m.TrigramNCorrect);
        Assert.True(m.TrigramAvgCorrectProb > 0.99);
    }

    [Fact]
    public void GivenHandBuiltSolver_WhenPrevTokenAttentionIsChecked_ThenItSelectsExactlyTheCorrectTrigrams()
    {
        var r = TrigramAnalysis.Compute(Model, Dataset, Batch, "hand-built").PrevToken;
        Assert.True(r.AttentionVsCorrect.Equal);
        Assert.Equal(1, r.AttentionVsCorrect.Jaccard);
        Assert.Equal(Batch.CompletionPositions.Count, r.AttentionVsAllTrigrams.Intersection);
        Assert.True(r.MeanAttentionAtCorrect > 0.99);
        Assert.True(r.MeanAttentionElsewhere < 0.01);
    }

    [Fact]
    public void GivenHandBuiltSolver_WhenCircuitsAreComputed_ThenQkSeparatesTrigramPairsAndOvMapsXToZ()
    {
        var qk = TrigramCircuits.QkToken(Model, 0, 0);
        Assert.Equal(20, qk[1 * 6 + 0], 4);  // query Y = 1, key X = 0
        Assert.Equal(0, qk[0 * 6 + 1], 4);
        Assert.Equal(1, TrigramCircuits.PairAuc(Dataset.Set, qk), 12);
        var pos = TrigramCircuits.QkPositional(Model, 0, 0);
        Assert.Equal(20, pos[3 * 8 + 2], 4);
        Assert.Equal(30, pos[3 * 8 + 3], 4);
        var ov = TrigramCircuits.OvToken(Model, 0, 0);
        Assert.Equal(1, TrigramCircuits.TopOneAccuracy(Dataset.Set, ov, null, out var perTrigram));
        Assert.All(perTrigram, Assert.True);
        Assert.Equal(1, TrigramCircuits.TopOneAccuracy(Dataset.Set, ov, TrigramCircuits.DirectToken(Model), out _));
        Assert.Equal(1, TrigramCircuits.PairAuc(Dataset.Set, TrigramCircuits.QkAdjacentFull(Model, 0, 0)), 12);
    }

    [Fact]
    public void GivenHandBuiltSolver_WhenPathsAreAblated_ThenOnlyAttentionPredictsTheTrigrams()
    {
        var r = PathAblation.Analyze(Model, Batch);
        Assert.Equal(Batch.CompletionPositions.Count, r.Occurrences);
        Assert.Equal(r.Occurrences, r.Full);
        Assert.Equal(r.Occurrences, r.AttentionOnly);
        Assert.Equal(r.Occurrences, r.DirectLogitsAttention);
        Assert.Equal(0, r.DirectOnly);
        Assert.Equal(0, r.MlpOnly);
    }

    [Fact]
    public void GivenTheReferenceMlpOnlyCode_WhenReadLiterally_ThenItCountsTheOccurrencesWhoseZIsTokenZero()
    {
        // One trigram ends in token 0, the other does not; the literal count sees only the first.
        var set = new TrigramSet(HandBuiltTrigramModel.V, [new TrigramTriple(2, 3, 0), new TrigramTriple(0, 1, 4)]);
        var batch = new TrigramDataset(set, HandBuiltTrigramModel.T, 0.05).Sample(400, new Random(5));
        var r = PathAblation.Analyze(Model, batch);
        var endsInZero = batch.CompletionPositions.Count(p => batch.Tokens[p.Batch * batch.SeqLen + p.Position - 1] == 3
            && batch.Tokens[p.Batch * batch.SeqLen + p.Position - 2] == 2);
        Assert.True(endsInZero > 0 && endsInZero < r.Occurrences, $"{endsInZero} of {r.Occurrences}");
        Assert.Equal(endsInZero, r.ReferenceMlpOnlyLiteral);
        Assert.InRange(r.MlpWithoutAttentionAlone, 0, r.Occurrences);
    }

    [Fact]
    public void GivenKnownScores_WhenAucIsComputed_ThenItCountsOrderedPairsAndHalfTies()
    {
        Assert.Equal(1, RocAuc.Compute([3, 4], [1, 2]));
        Assert.Equal(0, RocAuc.Compute([1], [2, 3]));
        Assert.Equal(0.5, RocAuc.Compute([1], [1]));
        Assert.Equal(0.75, RocAuc.Compute([2, 4], [1, 3]));
    }

    [Property(MaxTest = 50)]
    public bool GivenAnyScores_WhenClassesAreSwapped_ThenAucsSumToOne(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0) return true;
        var pos = a.Select(x => (double)(x % 5)).ToArray();
        var neg = b.Select(x => (double)(x % 5)).ToArray();
        return Math.Abs(RocAuc.Compute(pos, neg) + RocAuc.Compute(neg, pos) - 1) < 1e-12;
    }

    [Property(MaxTest = 20)]
    public bool GivenRandomWeights_WhenRun_ThenPatternRowsAreCausalDistributions(int seed)
    {
        var rng = new Random(seed);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        const int v = 5, t = 6, d = 4, dh = 3, mlp = 7;
        var w = new OneLayerWeights(v, t, d, dh, mlp, "relu", R(v * d), R(t * d), R(d * dh), R(dh), R(d * dh), R(dh),
            R(d * dh), R(dh), R(dh * d), R(d), R(d * mlp), R(mlp), R(mlp * d), R(d), R(d * v), R(v));
        var tokens = Enumerable.Range(0, 2 * t).Select(_ => rng.Next(v)).ToArray();
        var acts = OneLayerForward.Run(w, tokens, 2, t);
        for (var b = 0; b < 2; b++)
        for (var q = 0; q < t; q++)
        {
            double sum = 0;
            for (var k = 0; k < t; k++)
            {
                var a = acts.Pattern[(b * t + q) * t + k];
                if (k > q && a != 0) return false;
                sum += a;
            }
            if (Math.Abs(sum - 1) > 1e-5) return false;
        }
        return true;
    }

    [Fact]
    public void GivenTwoSets_WhenOverlapIsComputed_ThenJaccardIsIntersectionOverUnion()
    {
        var o = SetOverlap.Of(new HashSet<int> { 1, 2, 3 }, new HashSet<int> { 2, 3, 4, 5 });
        Assert.Equal((3, 4, 2, 5), (o.SizeA, o.SizeB, o.Intersection, o.Union));
        Assert.Equal(0.4, o.Jaccard, 12);
        Assert.False(o.Equal);
    }
}
