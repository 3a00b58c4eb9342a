using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class SurprisalTests
{
    [Fact]
    public void GivenProbabilityOneHalf_WhenSurprisalInBits_ThenOneBit() =>
        Assert.Equal(1.0, Surprisal.Bits(0.5), 12);

    [Fact]
    public void GivenSurprisals_WhenCumulativeAndTotal_ThenRunningSums()
    {
        double[] bits = [Surprisal.Bits(0.25), Surprisal.Bits(0.5), Surprisal.Bits(1.0)];
        Assert.Equal([2.0, 3.0, 3.0], Surprisal.Cumulative(bits));
        Assert.Equal(3.0, Surprisal.Total(bits), 12);
        Assert.Equal(Surprisal.BitsToNats(3.0), Surprisal.Nats(0.125), 12);
    }

    [Fact]
    public void GivenFloatRoundingAboveOne_WhenNats_ThenZeroButClearlyInvalidThrows()
    {
        Assert.Equal(0.0, Surprisal.Nats(1.0 + 1e-8));
        Assert.Throws<ArgumentException>(() => Surprisal.Nats(1.1));
        Assert.Throws<ArgumentException>(() => Surprisal.Bits(-0.1));
        Assert.True(double.IsPositiveInfinity(Surprisal.Nats(0.0)));
    }

    [Fact]
    public void GivenUniformDistribution_WhenEntropy_ThenLogOfSize() =>
        Assert.Equal(Math.Log(5), Surprisal.EntropyNats([0.2, 0.2, 0.2, 0.2, 0.2]), 14);
}
