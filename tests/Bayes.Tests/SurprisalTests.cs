using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class SurprisalTests
{
    [Fact]
    public void GivenProbabilityOneHalf_WhenSurprisalInBits_ThenOneBit() =>
        Assert.Equal(1.0, Surprisal.Bits(0.5), 12);
}
