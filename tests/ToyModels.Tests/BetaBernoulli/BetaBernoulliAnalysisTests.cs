using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tests.BetaBernoulli;

public sealed class BetaBernoulliAnalysisTests
{
    private static readonly BetaBernoulliDataOptions Data = new() { NCtx = 10, Bos = true };
    private static readonly string[] Resid = ["blocks.0.hook_resid_post"];

    [Fact]
    public void GivenTheExactBayesModel_WhenAnalysing_ThenLossEqualsTheReferenceAndEveryDeviationIsZero()
    {
        var reference = new BetaBernoulliReference(Data);
        var prefixes = BetaBernoulliCollector.Enumerate(new HandBuiltBayesModel(Data), Data, 19, 8, Resid);
        Assert.Equal(9, prefixes.MaxFlips); // capped by n_ctx − 1

        var loss = ExactLossAnalysis.Run(prefixes, reference);
        Assert.True(loss.CoversAllPositions);
        Assert.Equal(0.5854, loss.MeanModelLoss, 4); // REFERENCES.md, N = 10
        Assert.InRange(loss.MeanKl, -1e-9, 1e-6);

        var calibration = CalibrationAnalysis.Run(prefixes, reference);
        Assert.InRange(calibration.MaxAbsError, 0, 1e-6);
        Assert.Equal(1.0, calibration.Fit.Slope, 5);
        // P(H | N) sums to 1 for every N.
        foreach (var g in calibration.Rows.GroupBy(r => r.N)) Assert.Equal(1.0, g.Sum(r => r.Weight), 9);

        var flip = FlipSymmetryAnalysis.Run(prefixes, reference);
        Assert.All(flip.Rows, r => Assert.InRange(r.MaxAbsAsymmetry, 0, 1e-6));

        var permutation = PermutationAnalysis.Run(prefixes, Resid[0]);
        Assert.All(permutation.Rows, r =>
        {
            Assert.InRange(r.PredictionSpread, 0, 1e-6);
            Assert.Equal(1.0, r.MeanCosine, 6);
            Assert.Equal(0.0, r.CurrentTokenVarianceShare, 6);
        });
    }

    [Fact]
    public void GivenAModelWithAnExtraPseudoCount_WhenCheckingFlipSymmetry_ThenAsymmetryIsMinusOneOverNPlusThree()
    {
        var prefixes = BetaBernoulliCollector.Enumerate(new HandBuiltBayesModel(Data, extraDenominator: 1), Data, 9, 4, Resid);
        var flip = FlipSymmetryAnalysis.Run(prefixes, new BetaBernoulliReference(Data));
        Assert.All(flip.Rows, r =>
        {
            Assert.Equal(-1.0 / (r.N + 3), r.MeanAsymmetry, 5);
            Assert.Equal(1.0 / (r.N + 3), r.MaxAbsAsymmetry, 5);
        });
        Assert.All(flip.BayesMeanAsymmetryByN, a => Assert.Equal(0.0, a, 12));
    }

    [Fact]
    public void GivenAModelThatFavoursTheCurrentToken_WhenCheckingPermutations_ThenTheEffectAndVarianceShareAreFound()
    {
        // P(1) moves by ±0.05·(N+2)/(N+2)… exactly tilt/(N+2) each way; the residual's third component is 1 iff the last flip is heads.
        var prefixes = BetaBernoulliCollector.Enumerate(new HandBuiltBayesModel(Data, tilt: 0.1, residTilt: 1.0), Data, 8, 8, Resid);
        var permutation = PermutationAnalysis.Run(prefixes, Resid[0]);
        Assert.All(permutation.Rows, r =>
        {
            Assert.Equal(0.2 / (r.N + 2), r.CurrentTokenEffect, 5);
            Assert.Equal(0.2 / (r.N + 2), r.PredictionSpread, 5);
            Assert.Equal(1.0, r.CurrentTokenVarianceShare, 6); // the only variation across orderings is the current token
            if (!double.IsNaN(r.CosineSameCurrent)) Assert.Equal(1.0, r.CosineSameCurrent, 6);
            Assert.True(r.CosineDifferentCurrent < 1.0);
        });
    }

    [Fact]
    public void GivenTheHandBuiltModel_WhenRunningAllAnalyses_ThenFilesAndReportAreWrittenWithKnownAnswers()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bb-analysis-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = new HandBuiltBayesModel(Data);
            var result = BetaBernoulliAnalyzer.Compute(model, Data, 1,
                new BetaBernoulliAnalysisOptions { ProbeSequences = 300, ResidualMaxFlips = 6 }, ["model: hand-built"]);
            Assert.False(Directory.Exists(dir)); // computing writes nothing
            BetaBernoulliAnalyzer.Write(result, dir);
            // hook_z is exactly the posterior mean: slope 1, R² 1 against it.
            Assert.NotNull(result.HookZ);
            Assert.Equal(1.0, result.HookZ!.PosteriorFit.Slope, 5);
            Assert.Equal(1.0, result.HookZ.PosteriorFit.R2, 5);
            // The residual holds the posterior mean and N linearly.
            Assert.True(result.Probes.Probes[("blocks.0.hook_resid_post", "N")].HeldOutR2 > 0.999);
            Assert.True(result.Probes.Probes[("blocks.0.hook_resid_post", "H")].HeldOutR2 > 0.8);
            foreach (var file in new[] { "report.md", "calibration.csv", "calibration.png", "permutation.csv", "residual_cos_sim.png", "model_symmetry.png", "probes.csv", "probes.png", "cache_z_vs_ratio.png", "loss_by_position.png", "residual_stream_0.png" })
                Assert.True(File.Exists(Path.Combine(dir, file)), file);
            var report = File.ReadAllText(Path.Combine(dir, "report.md"));
            Assert.Contains("known-p floor", report);
            Assert.Contains("![", report);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void GivenKnownLogits_WhenEvaluatingMetrics_ThenLossAndKlMatchHandComputation()
    {
        var data = new BetaBernoulliDataOptions { NCtx = 2, Bos = true };
        var reference = new BetaBernoulliReference(data);
        var batch = new BetaBernoulliBatch(1, 2, [2, 1], [1, 0], [0.5]);
        // Model: uniform over {0, 1} and no BOS mass at both positions.
        float[] logits = [0, 0, -100, 0, 0, -100];
        var m = BetaBernoulliMetrics.Evaluate(batch, logits, 3, reference);
        Assert.Equal(Math.Log(2), m.LossNats, 6);
        // Position 0: Bayes q = 1/2 → KL 0. Position 1 after one head: q = 2/3 → KL = ln2 − H(2/3).
        var h = -(2.0 / 3 * Math.Log(2.0 / 3) + 1.0 / 3 * Math.Log(1.0 / 3));
        Assert.Equal((Math.Log(2) - h) / 2, m.KlToBayesNats, 6);
        Assert.Equal(0.5, m.KnownPFloorNats, 6);
        var keys = m.ToJsonDictionary().Keys.ToArray();
        Assert.Contains("loss_nats", keys);
        Assert.Contains("bayes_loss_nats", keys);
        Assert.Contains("known_p_floor_nats", keys);
        Assert.Contains("kl_to_bayes_nats", keys);
    }

    [Fact]
    public void GivenNCtx20_WhenBuildingTheReference_ThenTheBayesLossIsTheTabulatedValue()
    {
        var reference = new BetaBernoulliReference(new BetaBernoulliDataOptions { NCtx = 20, Bos = true });
        Assert.Equal(0.5574, reference.BayesLossNats, 4);
        Assert.Equal(0.5, reference.KnownPFloorNats, 9);
    }
}
