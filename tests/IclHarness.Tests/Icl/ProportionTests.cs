using FsCheck;
using FsCheck.Fluent;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Report;

namespace Probing.IclHarness.Tests.Icl;

public sealed class ProportionTests
{
    [Theory]
    [InlineData(0, 10, 0.0, 0.27753)]
    [InlineData(5, 10, 0.23659, 0.76341)]
    [InlineData(10, 10, 0.72247, 1.0)]
    [InlineData(1, 16, 0.01112, 0.28326)]
    public void GivenSuccesses_WhenWilson_ThenTheTextbookInterval(int successes, int count, double lo, double hi)
    {
        var p = Proportion.Wilson(successes, count);
        Assert.Equal(successes / (double)count, p.Value, 12);
        Assert.Equal(lo, p.Lo, 4);
        Assert.Equal(hi, p.Hi, 4);
    }

    [Fact]
    public void GivenAnyCounts_WhenWilson_ThenTheIntervalHoldsTheValueWithinZeroOne()
    {
        Prop.ForAll(Gen.Choose(1, 5000).SelectMany(n => Gen.Choose(0, n).Select(k => (k, n))).ToArbitrary(), t =>
        {
            var p = Proportion.Wilson(t.k, t.n);
            return p.Lo >= 0 && p.Hi <= 1 && p.Lo <= p.Value && p.Value <= p.Hi && p.Hi - p.Lo > 0;
        }).QuickCheckThrowOnFailure();
    }
}
