using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class DiscreteObserverTests
{
    /// <summary>Hypotheses are categorical distributions over 4 outcomes, built from a seed.</summary>
    private static double[][] RandomCategoricals(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var raw = Enumerable.Range(0, 4).Select(_ => 0.05 + random.NextDouble()).ToArray();
            return raw.Select(r => r / raw.Sum()).ToArray();
        }).ToArray();
    }

    [Property(MaxTest = 100)]
    public bool GivenRandomHypothesesAndData_WhenPredictive_ThenSumsToOneOverOutcomes(int seed)
    {
        var hypotheses = RandomCategoricals(seed, 5);
        var observer = new DiscreteHypothesisObserver<double[], int>(hypotheses, (h, o) => h[o], [1, 2, 3, 4, 5]);
        var random = new Random(seed ^ 0x5bd1);
        for (var step = 0; step < 10; step++)
        {
            var total = Enumerable.Range(0, 4).Sum(observer.PredictiveProbability);
            if (Math.Abs(total - 1) > 1e-12) return false;
            observer.Observe(random.Next(4));
        }

        return Math.Abs(observer.Posterior.Sum() - 1) < 1e-12;
    }

    [Property(MaxTest = 100)]
    public bool GivenIidLikelihood_WhenObservationsPermuted_ThenSamePosteriorAndEvidence(int seed)
    {
        var hypotheses = RandomCategoricals(seed, 6);
        var random = new Random(seed);
        var data = Enumerable.Range(0, 12).Select(_ => random.Next(4)).ToArray();
        var shuffled = data.OrderBy(_ => random.Next()).ToArray();
        var first = new DiscreteHypothesisObserver<double[], int>(hypotheses, (h, o) => h[o]);
        var second = new DiscreteHypothesisObserver<double[], int>(hypotheses, (h, o) => h[o]);
        foreach (var o in data) first.Observe(o);
        foreach (var o in shuffled) second.Observe(o);
        return first.Posterior.Zip(second.Posterior).All(p => Math.Abs(p.First - p.Second) < 1e-12)
               && Math.Abs(first.LogEvidence - second.LogEvidence) < 1e-10;
    }

    [Fact]
    public void GivenTwoCoins_WhenObserve_ThenPosteriorIsBayesRule()
    {
        var observer = new DiscreteHypothesisObserver<double, bool>([0.5, 0.9], (p, heads) => heads ? p : 1 - p, [0.75, 0.25]);
        var predictive = observer.Observe(true);
        Assert.Equal(0.75 * 0.5 + 0.25 * 0.9, predictive, 15);
        Assert.Equal(0.375 / 0.6, observer.Posterior[0], 14);
        // Expected surprisal over {heads, tails} is the entropy of the predictive.
        var p1 = observer.PredictiveProbability(true);
        Assert.Equal(SpecialFunctions.BinaryEntropy(p1), observer.ExpectedSurprisalNats([true, false]), 14);
    }

    [Fact]
    public void GivenLinearFamily_WhenCreate_ThenNamesAndValues()
    {
        var family = LinearFunctionFamily.Create(-1, 2, -1, 3);
        Assert.Equal(20, family.Count);
        Assert.Contains("2x+3", family.Names);
        Assert.Contains("-x-1", family.Names);
        Assert.Contains("x", family.Names);
        Assert.Contains("3", family.Names);
        Assert.Equal(11L, family[family.IndexOf("2x+3")](4));
    }

    [Fact]
    public void GivenInFamilyRule_WhenIdealLearner_ThenFirstProbabilityCountsConsistentFunctionsAndThenCertainty()
    {
        var family = LinearFunctionFamily.Create(1, 5, 0, 9); // 50 functions
        (long, long)[] examples = [(1, 5), (4, 11), (2, 7), (6, 15)]; // 2x+3

        var curve = IdealFunctionLearner.Evaluate(family, examples, epsilon: 0);

        // x=1 → y=5: a + b = 5 with a in 1..5, b in 0..9 has 5 solutions out of 50.
        Assert.Equal(5.0 / 50.0, curve.PCorrect[0], 14);
        // After (1,5), (4,11) needs 3a = 6: only 2x+3 remains of the 5.
        Assert.Equal(1.0 / 5.0, curve.PCorrect[1], 14);
        Assert.Equal(1.0, curve.PCorrect[2], 14);
        Assert.Equal(0.0, curve.SurprisalBits[3], 14);
        Assert.Equal(-Math.Log2(0.1), curve.SurprisalBits[0], 12);
    }

    [Fact]
    public void GivenOutOfFamilyRule_WhenIdealLearnerWithNoise_ThenFiniteSurprisalNearMinusLog2Epsilon()
    {
        var family = LinearFunctionFamily.Create(1, 3, 0, 3);
        (long, long)[] examples = [(1, 11), (2, 21), (3, 31)]; // 10x+1, outside the family

        var curve = IdealFunctionLearner.Evaluate(family, examples, epsilon: 1e-6);

        Assert.All(curve.SurprisalBits, s => Assert.True(double.IsFinite(s)));
        Assert.InRange(curve.SurprisalBits[2], 19.0, 21.0); // −log₂ 1e-6 ≈ 19.93
        Assert.Throws<ArgumentException>(() => IdealFunctionLearner.Evaluate(family, examples, epsilon: 0));
    }

    [Fact]
    public void GivenReferenceFeasibilityFamily_WhenAveragedOverX_ThenMatchesReferenceIdealLearnerBits()
    {
        // REFERENCES.md: a in 1..5, b in 0..9 without (2,3), (4,1), (3,7): 47 tasks; x uniform in 0..19; task 5x+2.
        // The reference reports 4.98 bits at k=1 and 0.58 at k=2 from sampled prompts; the exact averages are
        // 4.943 and 0.581 (x drawn independently, so repeats are allowed).
        var all = LinearFunctionFamily.Create(1, 5, 0, 9);
        var keep = Enumerable.Range(0, all.Count).Where(i => all.Names[i] is not ("2x+3" or "4x+1" or "3x+7")).ToArray();
        var family = new FunctionFamily(keep.Select(i => all[i]).ToArray(), keep.Select(i => all.Names[i]).ToArray());
        Assert.Equal(47, family.Count);
        double k1 = 0, k2 = 0;
        for (long x1 = 0; x1 < 20; x1++)
        for (long x2 = 0; x2 < 20; x2++)
        {
            var curve = IdealFunctionLearner.Evaluate(family, [(x1, 5 * x1 + 2), (x2, 5 * x2 + 2), (7, 37)], epsilon: 0);
            k1 += curve.SurprisalBits[0] / 400;
            k2 += curve.SurprisalBits[1] / 400;
            // The reference's k=3 column is 0 bits: two distinct x pin down a·x + b.
            if (x1 != x2) Assert.Equal(0.0, curve.SurprisalBits[2], 12);
        }

        Assert.InRange(k1, 4.98 - 0.05, 4.98 + 0.05);
        Assert.InRange(k2, 0.58 - 0.01, 0.58 + 0.01);
    }
}
