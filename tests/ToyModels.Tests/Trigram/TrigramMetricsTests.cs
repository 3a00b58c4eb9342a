using Probing.ToyModels.Tasks.Trigram;

namespace Probing.ToyModels.Tests.Trigram;

public sealed class TrigramMetricsTests
{
    private static readonly TrigramDataset Dataset = new(dVocab: 7, seqLen: 10, trigramProb: 0.2, seed: 5);

    /// <summary>Logits that put probability ~1 on Z after every trigram prefix and are flat elsewhere.</summary>
    private static (float[] Sequence, float[] Set) PerfectLogits(TrigramBatch batch)
    {
        var v = Dataset.DVocab;
        var logits = new float[batch.Size * batch.SeqLen * v];
        foreach (var (b, z) in batch.CompletionPositions) logits[(b * batch.SeqLen + z - 1) * v + batch[b, z]] = 200f;
        var set = new float[Dataset.Set.Count * v];
        for (var i = 0; i < Dataset.Set.Count; i++) set[i * v + Dataset.Set.Trigrams[i].Z] = 200f;
        return (logits, set);
    }

    [Fact]
    public void GivenPerfectPredictor_WhenEvaluated_ThenLossIsOptimalAndEveryTrigramIsCorrect()
    {
        var batch = Dataset.Sample(50, new Random(1));
        Assert.NotEmpty(batch.CompletionPositions);
        var (logits, set) = PerfectLogits(batch);
        var m = TrigramMetrics.Evaluate(logits, batch, set, Dataset);
        Assert.Equal(0, m.TrainLossAsFrac, 9);
        Assert.Equal(m.OptimalLoss, m.TrainLoss, 9);
        var forced = batch.CompletionPositions.Count;
        Assert.Equal(Math.Log(7) * (50 * 9 - forced) / (50 * 9), m.OptimalLoss, 12);
        Assert.Equal(1, m.TrigramFracCorrect);
        Assert.Equal(Dataset.Set.Count, m.TrigramNCorrect);
        Assert.Equal(1, m.TrigramAvgCorrectProb, 9);
        Assert.Equal(forced, m.OccurrenceNCorrect);
        Assert.Equal(1, m.OccurrenceFracCorrect);
        Assert.Equal(m.InContextCount, m.InContextNCorrect);
    }

    [Fact]
    public void GivenUniformPredictor_WhenEvaluated_ThenLossIsLnVocabAndBothFractionsAreOne()
    {
        var batch = Dataset.Sample(50, new Random(2));
        var v = Dataset.DVocab;
        var m = TrigramMetrics.Evaluate(new float[50 * 10 * v], batch, new float[Dataset.Set.Count * v], Dataset);
        Assert.Equal(Math.Log(v), m.TrainLoss, 12);
        Assert.Equal(1, m.TrainLossAsFrac, 12);
        Assert.Equal(1, m.TrainLossAsFracNominal, 12);
        Assert.Equal(1.0 / v, m.TrigramAvgCorrectProb, 12);
        Assert.Equal(1.0 / v, m.OccurrenceAvgCorrectProb, 12);
        // Flat logits: the top-1 is token 0 (first on ties), so exactly the trigrams completing with 0 count.
        Assert.Equal(Dataset.Set.Trigrams.Count(t => t.Z == 0), m.TrigramNCorrect);
    }

    [Theory]
    [InlineData(4.15741, 0.25847)]
    [InlineData(4.17597, 0.34443)]
    public void GivenWorklogLoss_WhenNormalisedTheArenaWay_ThenWorklogFractionIsReproduced(double loss, double expected) =>
        Assert.Equal(expected, TrigramMetrics.NominalLossAsFrac(loss, 75, 0.05), 4);

    [Fact]
    public void GivenMetrics_WhenNamed_ThenArenaNamesComeFirst()
    {
        var batch = Dataset.Sample(5, new Random(3));
        var m = TrigramMetrics.Evaluate(new float[5 * 10 * 7], batch, new float[Dataset.Set.Count * 7], Dataset);
        Assert.Equal(
            ["train_loss", "train_loss_as_frac", "trigram_avg_correct_prob", "trigram_frac_correct", "trigram_n_correct"],
            m.ToNamedValues().Take(5).Select(kv => kv.Key));
        Assert.Contains(m.ToNamedValues(), kv => kv.Key == "trigram_occurrence_frac_correct");
    }

    [Fact]
    public void GivenWrongLogitCount_WhenPredicting_ThenItThrowsNamingTheShape()
    {
        var batch = Dataset.Sample(2, new Random(3));
        var ex = Assert.Throws<ArgumentException>(() => TrigramMetrics.Predict(new float[5], batch, 7));
        Assert.Contains("[2, 10, 7]", ex.Message);
    }
}
