using Probing.ToyModels.Tasks.Trigram;

namespace Probing.ToyModels.Tests.Trigram;

public sealed class TrigramDatasetTests
{
    [Fact]
    public void GivenArenaDefaults_WhenSetIsDrawn_ThenItHasAboutTrigramProbOfAllPrefixesAndNoContradictions()
    {
        var dataset = new TrigramDataset();
        var set = dataset.Set;
        // 5,625 prefixes × 0.05 = 281 expected, sd 16: ±5 sd.
        Assert.InRange(set.Count, 281 - 80, 281 + 80);
        Assert.Equal(set.Count, set.Trigrams.Select(t => (t.X, t.Y)).Distinct().Count());
        foreach (var t in set.Trigrams) Assert.Equal(t.Z, set.CompletionOf(t.X, t.Y));
        var prefixes = set.Trigrams.Select(t => (t.X, t.Y)).ToHashSet();
        for (var x = 0; x < 75; x++)
        for (var y = 0; y < 75; y++)
            Assert.Equal(prefixes.Contains((x, y)), set.IsPrefix(x, y));
    }

    [Fact]
    public void GivenTwoTrigramsWithOnePrefix_WhenSetIsBuilt_ThenItThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrigramSet(5, [new TrigramTriple(1, 2, 3), new TrigramTriple(1, 2, 4)]));
        Assert.Contains("share the prefix", ex.Message);
    }

    [Fact]
    public void GivenTinyDataset_WhenBatchIsSampled_ThenEveryPrefixIsFollowedByItsZAndOnlyThoseAreMarked()
    {
        var dataset = new TrigramDataset(dVocab: 6, seqLen: 12, trigramProb: 0.3, seed: 3);
        Assert.NotEqual(0, dataset.Set.Count);
        var batch = dataset.Sample(200, new Random(7));
        var marked = 0;
        for (var b = 0; b < batch.Size; b++)
        for (var p = 0; p < batch.SeqLen; p++)
        {
            var expected = p >= 2 && dataset.Set.IsPrefix(batch[b, p - 2], batch[b, p - 1]);
            Assert.Equal(expected, batch.IsCompletion[b * batch.SeqLen + p]);
            if (!expected) continue;
            marked++;
            Assert.Equal(dataset.Set.CompletionOf(batch[b, p - 2], batch[b, p - 1]), batch[b, p]);
        }
        Assert.Equal(marked, batch.CompletionPositions.Count);
        Assert.All(batch.CompletionPositions, c => Assert.True(batch.IsCompletion[c.Batch * batch.SeqLen + c.Position]));
    }

    [Fact]
    public void GivenArenaDataset_WhenEvalBatchIsDrawnTwice_ThenItIsIdenticalAndAboutFivePercentForced()
    {
        var dataset = new TrigramDataset();
        var a = dataset.EvalBatch(300);
        var b = dataset.EvalBatch(300);
        Assert.Equal(a.Tokens, b.Tokens);
        var fraction = a.CompletionPositions.Count / (300.0 * 48);
        var expected = dataset.Set.Count / (75.0 * 75);
        Assert.InRange(fraction, expected - 0.015, expected + 0.015);
        Assert.NotEqual(a.Tokens, dataset.Sample(300, TrigramDataset.TrainingStream(40)).Tokens);
    }

    [Fact]
    public void GivenDifferentSeeds_WhenSetsAreDrawn_ThenTheyDiffer()
    {
        Assert.NotEqual(new TrigramDataset(seed: 1).Set.Trigrams, new TrigramDataset(seed: 2).Set.Trigrams);
        Assert.Equal(new TrigramDataset(seed: 1).Set.Trigrams, new TrigramDataset(seed: 1).Set.Trigrams);
    }
}
