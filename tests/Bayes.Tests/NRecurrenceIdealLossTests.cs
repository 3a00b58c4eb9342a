namespace Probing.Bayes.Tests;

public sealed class NRecurrenceIdealLossTests
{
    private static readonly NRecurrenceSpec Deterministic = new(16, 2, 5, 0.0, 0.0);

    [Fact]
    public void GivenOneSeed_WhenEstimatedTwice_ThenTheSameNumbersAndTheMeanOfThePositions()
    {
        var a = NRecurrenceIdealLoss.Estimate(Deterministic, 32, 20, seed: 7);
        var b = NRecurrenceIdealLoss.Estimate(Deterministic, 32, 20, seed: 7);

        Assert.Equal(a.PerPositionNats, b.PerPositionNats);
        Assert.Equal(31, a.PerPositionNats.Length);
        Assert.Equal(a.PerPositionNats.Average(), a.MeanNats, 15);
        Assert.Equal(20, a.Sequences);
    }

    [Fact]
    public void GivenDeterministicRecurrence_WhenEstimated_ThenFirstTokenIsUniformAndKnownTargetsAreNearlyFree()
    {
        var loss = NRecurrenceIdealLoss.Estimate(Deterministic, 32, 40, seed: 0);

        Assert.Equal(Math.Log(16), loss.PerPositionNats[0], 9); // one token says nothing about the rule
        Assert.True(loss.TargetCount > 0);
        Assert.True(loss.TargetMeanNats < 0.05, $"target loss {loss.TargetMeanNats}");
    }

    [Fact]
    public void GivenOneSequence_WhenEstimated_ThenPositionsEqualTheObserversLossOnThatSequence()
    {
        var loss = NRecurrenceIdealLoss.Estimate(Deterministic, 20, 1, seed: 3);

        var sample = NRecurrenceSampler.Sample(Deterministic, 20, new Random(3));
        Assert.Equal(NRecurrenceObserver.LossNats(Deterministic, sample.Tokens).Take(19), loss.PerPositionNats);
    }

    [Fact]
    public void GivenACancelledToken_WhenEstimated_ThenItStopsBeforeTheFirstSequence() =>
        Assert.Throws<OperationCanceledException>(() => NRecurrenceIdealLoss.Estimate(Deterministic, 32, 10, 0, new CancellationToken(canceled: true)));
}
