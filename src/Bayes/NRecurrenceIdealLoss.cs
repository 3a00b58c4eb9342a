namespace Probing.Bayes;

/// <summary>
/// The ideal observer's loss on n-recurrence, averaged over sequences sampled from the spec (Monte Carlo):
/// the reference a trained toy model is compared with (issue 8).
/// </summary>
/// <param name="PerPositionNats">Mean loss of predicting token p from tokens 0 … p−1, for p = 1 … T−1 (index p − 1).</param>
/// <param name="MeanNats">Mean of <paramref name="PerPositionNats"/>.</param>
/// <param name="TargetMeanNats">Mean loss at target positions p ≥ 3n (once the rule can be known); NaN when there were none.</param>
/// <param name="TargetCount">How many target positions p ≥ 3n the sampled sequences held.</param>
/// <param name="Sequences">How many sequences were averaged.</param>
public sealed record NRecurrenceIdealLoss(double[] PerPositionNats, double MeanNats, double TargetMeanNats, long TargetCount, int Sequences)
{
    /// <summary>
    /// Samples <paramref name="sequences"/> sequences of <paramref name="contextLength"/> tokens from <paramref name="spec"/>
    /// (one <see cref="Random"/> seeded with <paramref name="seed"/>, in order) and averages the observer's loss.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 tokens or no sequence.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled between sequences.</exception>
    public static NRecurrenceIdealLoss Estimate(NRecurrenceSpec spec, int contextLength, int sequences, int seed, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequences, 1);
        var sums = new double[contextLength];
        double targetSum = 0;
        long targetCount = 0;
        var random = new Random(seed);
        for (var s = 0; s < sequences; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            var sample = NRecurrenceSampler.Sample(spec, contextLength, random);
            var loss = NRecurrenceObserver.LossNats(spec, sample.Tokens);
            for (var p = 1; p < contextLength; p++)
            {
                sums[p] += loss[p - 1];
                if (sample.IsTarget[p] && p >= 3 * sample.N[p])
                {
                    targetSum += loss[p - 1];
                    targetCount++;
                }
            }
        }

        var perPosition = sums.Skip(1).Select(v => v / sequences).ToArray();
        return new NRecurrenceIdealLoss(perPosition, perPosition.Average(), targetCount > 0 ? targetSum / targetCount : double.NaN, targetCount, sequences);
    }
}
