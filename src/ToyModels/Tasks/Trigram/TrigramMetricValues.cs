namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>The trigram metrics, with ARENA's names in <see cref="ToNamedValues"/>.</summary>
/// <param name="TrainLoss"><c>train_loss</c>: mean next-token cross-entropy (nats) over the evaluation batch.</param>
/// <param name="TrainLossAsFrac"><c>train_loss_as_frac</c>: (loss − optimal) / (ln d_vocab − optimal), with the batch's exact optimum.</param>
/// <param name="TrainLossAsFracNominal"><c>train_loss_as_frac_nominal</c>: the same with ARENA's nominal optimum (1 − trigram_prob)·ln d_vocab.</param>
/// <param name="OptimalLoss">The exact optimum on the batch: ln d_vocab on every non-forced target, 0 on forced ones.</param>
/// <param name="TrigramAvgCorrectProb"><c>trigram_avg_correct_prob</c>: mean probability of Z given the sequence (X, Y), over the set.</param>
/// <param name="TrigramFracCorrect"><c>trigram_frac_correct</c>: <c>trigram_n_correct</c> / number of trigrams.</param>
/// <param name="TrigramNCorrect"><c>trigram_n_correct</c>: distinct trigrams whose Z is the top-1 prediction after (X, Y).</param>
/// <param name="TrigramCount"><c>trigram_n_total</c>: number of trigrams in the set.</param>
/// <param name="OccurrenceCount"><c>trigram_occurrence_n_total</c>: Z positions in the evaluation batch.</param>
/// <param name="OccurrenceNCorrect"><c>trigram_occurrence_n_correct</c>: Z positions whose Z is the top-1 prediction.</param>
/// <param name="OccurrenceAvgCorrectProb"><c>trigram_occurrence_avg_correct_prob</c>: mean probability of Z over Z positions.</param>
/// <param name="InContextNCorrect"><c>trigram_in_context_n_correct</c>: distinct trigrams predicted top-1 at ≥ half of their occurrences in the batch.</param>
/// <param name="InContextCount"><c>trigram_in_context_n_total</c>: distinct trigrams that occur in the batch.</param>
public sealed record TrigramMetricValues(
    double TrainLoss,
    double TrainLossAsFrac,
    double TrainLossAsFracNominal,
    double OptimalLoss,
    double TrigramAvgCorrectProb,
    double TrigramFracCorrect,
    int TrigramNCorrect,
    int TrigramCount,
    int OccurrenceCount,
    int OccurrenceNCorrect,
    double OccurrenceAvgCorrectProb,
    int InContextNCorrect,
    int InContextCount)
{
    /// <summary><c>trigram_occurrence_frac_correct</c>: the occurrence-level fraction predicted top-1.</summary>
    public double OccurrenceFracCorrect => OccurrenceCount == 0 ? 0 : (double)OccurrenceNCorrect / OccurrenceCount;

    /// <summary>The metrics under their logged names (ARENA's five first), in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> ToNamedValues() =>
    [
        new("train_loss", TrainLoss),
        new("train_loss_as_frac", TrainLossAsFrac),
        new("trigram_avg_correct_prob", TrigramAvgCorrectProb),
        new("trigram_frac_correct", TrigramFracCorrect),
        new("trigram_n_correct", TrigramNCorrect),
        new("train_loss_as_frac_nominal", TrainLossAsFracNominal),
        new("optimal_loss", OptimalLoss),
        new("trigram_n_total", TrigramCount),
        new("trigram_occurrence_frac_correct", OccurrenceFracCorrect),
        new("trigram_occurrence_n_correct", OccurrenceNCorrect),
        new("trigram_occurrence_n_total", OccurrenceCount),
        new("trigram_occurrence_avg_correct_prob", OccurrenceAvgCorrectProb),
        new("trigram_in_context_n_correct", InContextNCorrect),
        new("trigram_in_context_n_total", InContextCount),
    ];
}
