using Probing.ToyModels.Analysis;
using System.Text.Json.Nodes;
using Probing.Bayes;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Tasks.NRecurrence;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.NRecurrence;

public sealed class NRecurrenceTaskTests
{
    private static NRecurrenceDataOptions Options(JsonObject o, int nCtx = 32) => NRecurrenceTask.ReadOptions(o, nCtx);

    [Fact]
    public void GivenFixedNoiseAndTransition_WhenGenerating1e5Positions_ThenEmpiricalRatesMatchTheParameters()
    {
        var data = Options(new JsonObject { ["stochastic"] = true, ["p_noise"] = 0.1, ["p_transition"] = 0.05 });
        var samples = NRecurrenceScoring.Draw(data, 100_000 / (data.NCtx + 1) + 1, new Random(7));
        long targets = 0, fakes = 0, positions = 0, transitions = 0;
        foreach (var s in samples)
        {
            for (var j = 0; j < s.Tokens.Length; j++)
            {
                if (s.IsTarget[j]) { targets++; if (s.IsFake[j]) { fakes++; Assert.NotEqual(s.Target[j], s.Tokens[j]); } else Assert.Equal(s.Target[j], s.Tokens[j]); }
                if (j == s.Tokens.Length - 1) continue;
                positions++;
                if (s.TransitionAfter[j]) { transitions++; Assert.True(s.N[j] != s.N[j + 1] || s.Target[j] != s.Target[j + 1]); }
            }
        }

        Assert.True(positions >= 96_000);
        Assert.InRange((double)fakes / targets, 0.09, 0.11);            // sd ≈ 0.002
        Assert.InRange((double)transitions / positions, 0.045, 0.055);  // sd ≈ 0.0007
    }

    [Fact]
    public void GivenTheSeedDefault_WhenGenerating_ThenNoiseAndTransitionRatesAreOneOverFiveNPerPeriod()
    {
        var data = Options(new JsonObject { ["stochastic"] = true });
        Assert.Null(data.Spec.PNoise);
        var samples = NRecurrenceScoring.Draw(data, 3100, new Random(3));
        for (var n = 2; n <= 5; n++)
        {
            long targets = 0, fakes = 0, positions = 0, transitions = 0;
            foreach (var s in samples)
                for (var j = 0; j < s.Tokens.Length - 1; j++)
                {
                    if (s.N[j] != n) continue;
                    positions++;
                    if (s.TransitionAfter[j]) transitions++;
                    if (s.IsTarget[j]) { targets++; if (s.IsFake[j]) fakes++; }
                }

            var p = 1.0 / (5 * n);
            Assert.InRange((double)fakes / targets, p - 0.03, p + 0.03);
            Assert.InRange((double)transitions / positions, p - 0.012, p + 0.012);
        }
    }

    [Fact]
    public void GivenTheBoundTask_WhenSampling_ThenBatchesAreTheReferenceSamplerShiftedByOne()
    {
        var data = new NRecurrenceTask().Bind(new JsonObject { ["stochastic"] = true }, 16);
        using var scope = NewDisposeScope();
        var batch = data.Sample(4, new Random(11));
        var expected = NRecurrenceScoring.Draw(Options(new JsonObject { ["stochastic"] = true }, 16), 4, new Random(11));
        var tokens = batch.Tokens.data<long>().ToArray();
        var targets = batch.Targets.data<long>().ToArray();
        for (var b = 0; b < 4; b++)
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal(expected[b].Tokens[j], tokens[b * 16 + j]);
                Assert.Equal(expected[b].Tokens[j + 1], targets[b * 16 + j]);
            }

        Assert.Equal(64f, batch.LossMask.sum().item<float>());
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 40)]
    public void GivenLossOnTargets_WhenSampling_ThenTheMaskSelectsExactlyTheScoredTargets(bool stochastic, int trainSequences)
    {
        var options = new JsonObject { ["stochastic"] = stochastic, ["loss_positions"] = "targets", ["train_sequences"] = trainSequences };
        var data = new NRecurrenceTask().Bind(options, 16);
        using var scope = NewDisposeScope();
        var batch = data.Sample(8, new Random(11));
        var bound = Options(new JsonObject { ["stochastic"] = stochastic, ["train_sequences"] = trainSequences }, 16);
        var trainSet = trainSequences > 0 ? NRecurrenceScoring.Draw(bound, trainSequences, new Random(0)) : null;
        var random = new Random(11);
        var expected = trainSet is null ? NRecurrenceScoring.Draw(bound, 8, random) : [.. Enumerable.Range(0, 8).Select(_ => trainSet[random.Next(trainSet.Length)])];
        var mask = batch.LossMask.data<float>().ToArray();
        var tokens = batch.Tokens.data<long>().ToArray();
        for (var b = 0; b < 8; b++)
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal(expected[b].Tokens[j], tokens[b * 16 + j]);
                Assert.Equal(NRecurrenceScoring.IsScoredTarget(expected[b], j) ? 1f : 0f, mask[b * 16 + j]);
            }

        Assert.InRange(mask.Sum(), 1, 8 * 16 / 2);
        Assert.True(NRecurrenceTask.ReadOptions(options, 16).LossOnTargets);
        Assert.False(NRecurrenceTask.ReadOptions([], 16).LossOnTargets);
    }

    [Fact]
    public void GivenLossOnTargetsAndATrainingSetWithoutAScoredTarget_WhenBinding_ThenAOneLineErrorSaysWhatToRaise()
    {
        // n 5 in a context of 15: only position 15 can be a target beyond 3n, in one sequence of five.
        JsonObject Task(int seed) => new() { ["min_n"] = 5, ["max_n"] = 5, ["train_sequences"] = 1, ["train_seed"] = seed, ["loss_positions"] = "targets" };
        bool Scored(int seed) => NRecurrenceScoring.Draw(Options(Task(seed), 15), 1, new Random(seed)).Any(s => Enumerable.Range(0, 15).Any(j => NRecurrenceScoring.IsScoredTarget(s, j)));
        var without = Enumerable.Range(0, 100).First(seed => !Scored(seed));
        var with = Enumerable.Range(0, 100).First(Scored);
        var ex = Assert.Throws<ArgumentException>(() => new NRecurrenceTask().Bind(Task(without), 15));
        Assert.Contains("raise task.train_sequences", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.NotNull(new NRecurrenceTask().Bind(Task(with), 15));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GivenGeneratedData_WhenScoredByTheObserver_ThenItsMeanLossEqualsItsExpectedEntropy(bool stochastic)
    {
        // If the generator and the observer define the same process, E[−ln p(x_{j+1})] = E[H(p(·|x_0..x_j))].
        var data = Options(new JsonObject { ["stochastic"] = stochastic, ["vocab"] = 8, ["target_outside_targets"] = !stochastic, ["fake_target"] = stochastic ? "recent" : "uniform" }, 20);
        double loss = 0, entropy = 0;
        long count = 0;
        foreach (var s in NRecurrenceScoring.Draw(data, 1500, new Random(5)))
        {
            var belief = NRecurrenceObserver.Filter(data.Spec, s.Tokens);
            for (var j = 0; j < s.Tokens.Length - 1; j++)
            {
                loss += belief.LossNats[j];
                entropy -= belief.Predictive[j].Where(p => p > 0).Sum(p => p * Math.Log(p));
                count++;
            }
        }

        Assert.Equal(entropy / count, loss / count, 0.03);
    }

    [Fact]
    public void GivenAContextShorterThanThreeMaxN_WhenBinding_ThenAOneLineErrorNamesTheRule()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NRecurrenceTask().Bind(new JsonObject { ["max_n"] = 5 }, 14));
        Assert.Contains("3 × max n = 15", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("{\"colour\": 1}", "no option 'colour'")]
    [InlineData("{\"fake_target\": \"nearby\"}", "fake_target")]
    [InlineData("{\"transition\": \"both\"}", "transition")]
    [InlineData("{\"p_noise\": 1.5}", "p_noise")]
    [InlineData("{\"stochastic\": 1}", "true or false")]
    [InlineData("{\"loss_positions\": \"target\"}", "loss_positions must be \"all\" or \"targets\"")]
    public void GivenBadOptions_WhenBinding_ThenTheErrorNamesTheOption(string json, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new NRecurrenceTask().Bind(JsonNode.Parse(json)!.AsObject(), 32));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenVariantOptions_WhenBinding_ThenTheSpecCarriesThem()
    {
        var spec = Options(new JsonObject
        {
            ["stochastic"] = true, ["target_outside_targets"] = false, ["fake_target"] = "recent", ["transition"] = "t-only", ["p_transition"] = 0.2,
        }).Spec;
        Assert.False(spec.TargetOutsideTargets);
        Assert.Equal(FakeTargetSource.RecentContext, spec.FakeTarget);
        Assert.Equal(TransitionKind.TOnly, spec.Transition);
        Assert.Null(spec.PNoise);
        Assert.Equal(0.2, spec.PTransition);
        Assert.Equal(0.0, Options([]).Spec.PNoise);
    }

    [Fact]
    public void GivenUniformLogits_WhenEvaluating_ThenLossIsLnVocabAndTheMetricKeysAreIssue8s()
    {
        var data = new NRecurrenceTask().Bind(new JsonObject { ["eval_batch"] = 64, ["train_sequences"] = 10 }, 15);
        var metrics = data.Evaluate(tokens => zeros(tokens.shape[0], tokens.shape[1], 16), new Random(1));
        foreach (var key in new[] { "loss_nats", "ideal_loss_nats", "target_loss_nats", "ideal_target_loss_nats", "train_set_loss_nats" })
            Assert.True(metrics.ContainsKey(key), key);
        Assert.Equal(Math.Log(16), metrics["loss_nats"], 5);
        Assert.Equal(Math.Log(16), metrics["target_loss_nats"], 5);
        Assert.InRange(metrics["ideal_target_loss_nats"], 0, 0.05); // deterministic: the observer knows the target beyond 3n
        Assert.InRange(metrics["ideal_loss_nats"], 1.5, Math.Log(16));
    }

    [Fact]
    public void GivenTheProbeClassifierSplit_WhenComparedWithRidgeProbe_ThenHeldOutR2IsReproduced()
    {
        var random = new Random(4);
        const int Rows = 200, Width = 3;
        var x = new float[Rows * Width];
        for (var i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var y = Enumerable.Range(0, Rows).Select(r => 2.0 * x[r * Width] - x[r * Width + 2] + 0.1 * random.NextDouble()).ToArray();
        var probe = RidgeProbe.Fit(x, Width, y, trainFraction: ProbeClassifier.TrainFraction, seed: ProbeClassifier.Seed);
        var (train, test) = ProbeClassifier.Split(Rows);
        var (mean, std) = ProbeClassifier.Standardisation(x, Width, train);
        var predictions = test.Select(r => ProbeClassifier.Predict(probe, x, Width, r, mean, std)).ToArray();
        var yMean = test.Average(r => y[r]);
        var r2 = 1 - test.Select((r, i) => Math.Pow(y[r] - predictions[i], 2)).Sum() / test.Sum(r => Math.Pow(y[r] - yMean, 2));
        Assert.Equal(probe.HeldOutR2, r2, 9);
        var labels = Enumerable.Range(0, Rows).Select(r => x[r * Width] > 0.5 ? 1 : 0).ToArray();
        Assert.InRange(ProbeClassifier.HeldOutAccuracy(x, Width, labels, 2), 0.85, 1.0);
    }
}
