using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class NRecurrenceTests
{
    /// <summary>Tiny specifications covering every variant option; small enough to enumerate all latent paths.</summary>
    private static readonly NRecurrenceSpec[] TinySpecs =
    [
        NRecurrenceSpec.Deterministic(3, 1, 2),
        NRecurrenceSpec.Stochastic(3, 1, 2),
        NRecurrenceSpec.Stochastic(3, 2, 3),
        new(3, 1, 2, 0.3, 0.25, TargetOutsideTargets: false),
        new(3, 1, 2, 0.3, 0.25, FakeTarget: FakeTargetSource.RecentContext),
        new(3, 1, 2, 0.3, 0.25, Transition: TransitionKind.NOnly),
        new(3, 1, 2, 0.3, 0.25, Transition: TransitionKind.TOnly, FakeTarget: FakeTargetSource.RecentContext, TargetOutsideTargets: false),
        new(2, 2, 3, 0.2, 0.3, Transition: TransitionKind.TOnly),
    ];

    [Property(MaxTest = 48)]
    public bool GivenTinySpecAndSampledTokens_WhenFilter_ThenEqualsBruteForceEnumeration(int seed)
    {
        var spec = TinySpecs[(int)((uint)seed % TinySpecs.Length)];
        var length = spec.MaxN >= 3 ? 4 : 5;
        var tokens = NRecurrenceSampler.Sample(spec, length, new Random(seed)).Tokens;

        var belief = NRecurrenceObserver.Filter(spec, tokens);
        var brute = new NRecurrenceBruteForce(spec, tokens);

        const double tol = 1e-12;
        for (var v = 0; v < spec.VocabSize; v++)
            if (Math.Abs(belief.PriorPredictive[v] - brute.FirstToken[v]) > tol) return false;
        for (var j = 0; j < length; j++)
        {
            var prefix = brute.PrefixProbability[j];
            for (var v = 0; v < spec.VocabSize; v++)
                if (Math.Abs(belief.Predictive[j][v] - brute.NextJoint[j, v] / prefix) > tol) return false;
            for (var n = spec.MinN; n <= spec.MaxN; n++)
                if (Math.Abs(belief.PosteriorN[j][n - spec.MinN] - brute.LastN[j, n] / prefix) > tol) return false;
            for (var t = 0; t < spec.VocabSize; t++)
                if (Math.Abs(belief.PosteriorT[j][t] - brute.LastT[j, t] / prefix) > tol) return false;
        }

        return Math.Abs(belief.LogEvidence - Math.Log(brute.PrefixProbability[length - 1])) < 1e-10;
    }

    [Property(MaxTest = 30)]
    public bool GivenAnyVariantAndSampledSequence_WhenFilter_ThenEveryPredictiveSumsToOne(int seed)
    {
        var random = new Random(seed);
        var spec = new NRecurrenceSpec(5, 2, 4, null, null,
            TargetOutsideTargets: random.Next(2) == 0,
            FakeTarget: (FakeTargetSource)random.Next(2),
            Transition: (TransitionKind)random.Next(3));
        var tokens = NRecurrenceSampler.Sample(spec, 60, random).Tokens;

        var belief = NRecurrenceObserver.Filter(spec, tokens);

        return belief.Predictive.All(row => Math.Abs(row.Sum() - 1) < 1e-12 && row.All(p => p >= 0))
               && belief.PosteriorN.All(row => Math.Abs(row.Sum() - 1) < 1e-12)
               && belief.PosteriorT.All(row => Math.Abs(row.Sum() - 1) < 1e-12)
               && Math.Abs(belief.PriorPredictive.Sum() - 1) < 1e-12
               && belief.LossNats.All(double.IsFinite);
    }

    [Fact]
    public void GivenDeterministicSequence_WhenFilter_ThenTargetsBeyond3nAreCertainAndOthersCostLnV()
    {
        var spec = NRecurrenceSpec.Deterministic(16, 2, 5);
        var targetLoss = new List<double>();
        var otherLoss = new List<double>();
        for (var seed = 0; seed < 20; seed++)
        {
            var sample = NRecurrenceSampler.Sample(spec, 32, new Random(seed));
            var belief = NRecurrenceObserver.Filter(spec, sample.Tokens);
            for (var j = 3 * spec.MaxN; j + 1 < 32; j++)
                (sample.IsTarget[j + 1] ? targetLoss : otherLoss).Add(belief.LossNats[j]);
            Assert.Equal(sample.N[0] - spec.MinN, Array.IndexOf(belief.PosteriorN[^1], belief.PosteriorN[^1].Max()));
            Assert.Equal(1.0, belief.PosteriorT[^1][sample.Target[0]], 3);
        }

        Assert.True(targetLoss.Average() < 0.05, $"target loss {targetLoss.Average()}");
        Assert.InRange(otherLoss.Average(), Math.Log(16) - 0.05, Math.Log(16) + 0.01);
    }

    [Fact]
    public void GivenRuleChangeMidSequence_WhenFilter_ThenEntropyFallsRisesAtTheChangeAndBeliefMovesToTheNewRule()
    {
        var spec = new NRecurrenceSpec(8, 2, 3, 0.05, 0.02);
        var random = new Random(5);
        int Filler() => new[] { 0, 2, 3, 4, 6, 7 }[random.Next(6)];
        // 24 tokens of (n=2, t=1), then 24 tokens of (n=3, t=5).
        var tokens = Enumerable.Range(0, 24).Select(j => j % 2 == 0 ? 1 : Filler())
            .Concat(Enumerable.Range(0, 24).Select(j => j % 3 == 0 ? 5 : Filler())).ToArray();

        var belief = NRecurrenceObserver.Filter(spec, tokens);

        Assert.True(belief.PosteriorT[23][1] > 0.95, $"P(t=1) before the change: {belief.PosteriorT[23][1]}");
        Assert.True(belief.PosteriorN[23][0] > 0.95);
        var settled = belief.PosteriorEntropyNats[23];
        Assert.True(settled < 0.1 * belief.PosteriorEntropyNats[0]);
        Assert.True(belief.PosteriorEntropyNats.Skip(24).Take(8).Max() > settled + 0.5, "uncertainty should rise after the change");
        Assert.True(belief.PosteriorT[^1][5] > 0.9, $"P(t=5) at the end: {belief.PosteriorT[^1][5]}");
        Assert.True(belief.PosteriorN[^1][1] > 0.9);
        Assert.True(belief.NextIsTarget.All(p => p is >= 0 and <= 1));
    }

    [Fact]
    public void GivenFixedProbabilities_WhenSample1e5Positions_ThenEmpiricalNoiseAndTransitionRatesMatch()
    {
        var spec = new NRecurrenceSpec(10, 2, 5, 0.1, 0.05);
        var sample = NRecurrenceSampler.Sample(spec, 100_000, new Random(1));
        var targets = sample.IsTarget.Count(b => b);
        var fakes = sample.IsFake.Count(b => b);
        Assert.InRange((double)fakes / targets, 0.09, 0.11);
        Assert.InRange(sample.TransitionAfter.Count(b => b) / 100_000.0, 0.047, 0.053);
        for (var j = 0; j < sample.Tokens.Length; j++)
            if (sample.IsTarget[j] && !sample.IsFake[j]) Assert.Equal(sample.Target[j], sample.Tokens[j]);
    }

    [Fact]
    public void GivenDefaultProbabilities_WhenSample_ThenNoiseRateIsOneOverFiveN()
    {
        var spec = new NRecurrenceSpec(10, 2, 2, null, 0.0);
        var sample = NRecurrenceSampler.Sample(spec, 100_000, new Random(2));
        Assert.InRange((double)sample.IsFake.Count(b => b) / sample.IsTarget.Count(b => b), 0.09, 0.11);
    }

    [Fact]
    public void GivenDeterministicSpecAndRuleBreakingTokens_WhenFilter_ThenArgumentException()
    {
        var spec = new NRecurrenceSpec(3, 1, 1, 0.0, 0.0); // n = 1: every token is t
        Assert.Throws<ArgumentException>(() => NRecurrenceObserver.Filter(spec, [0, 0, 1]));
        Assert.Throws<ArgumentException>(() => NRecurrenceObserver.Filter(spec, [0, 5]));
        Assert.Throws<ArgumentException>(() => NRecurrenceObserver.Filter(new NRecurrenceSpec(1, 1, 2), [0]));
    }
}
