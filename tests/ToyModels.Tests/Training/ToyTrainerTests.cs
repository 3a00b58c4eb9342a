using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Training;

public sealed class ToyTrainerTests
{
    private sealed class Callback(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    [Fact]
    public void GivenATinyCopyTask_WhenTrained_ThenTheCopyLossFallsWellBelowUniform()
    {
        var folder = TrainerFixture.TempDir();
        try
        {
            var config = TrainerFixture.Config(TrainerFixture.Training with { Steps = 150, Lr = 1e-2, EvalEvery = 50, CheckpointEvery = 0 });
            var data = TrainerFixture.Data(config);
            using var model = new HookedTransformer(config.Model);
            var before = data.Evaluate(t => model.forward(t), new Random(5))["loss"];
            using var trainer = new ToyTrainer(model, data, config.Training, folder.FullName);

            var result = trainer.Train();

            var after = data.Evaluate(t => model.forward(t), new Random(5))["loss"];
            Assert.Equal(TrainingOutcome.Completed, result.Outcome);
            Assert.InRange(before, 1.5, 2.3); // about ln 6 = 1.79 before training
            Assert.True(after < 0.5 * before, $"copy loss {before:F3} -> {after:F3}");
            Assert.Equal(3, MetricsLog.Read(Path.Combine(folder.FullName, MetricsLog.FileName)).Count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenARunInterruptedAndResumed_WhenFinished_ThenWeightsAndMetricsEqualAnUninterruptedRunBitForBit()
    {
        var straight = TrainerFixture.TempDir();
        var interrupted = TrainerFixture.TempDir();
        try
        {
            var config = TrainerFixture.Config();
            using (var run = ToyRun.Create("copy", null, null, config, straight.FullName, 1, "cpu"))
                Assert.Equal(TrainingOutcome.Completed, run.Train().Outcome);

            using (var cancel = new CancellationTokenSource())
            using (var run = ToyRun.Create("copy", null, null, config, interrupted.FullName, 1, "cpu"))
            {
                var result = run.Train(new Callback(p => { if (p.Step == 10) cancel.Cancel(); }), cancel.Token);
                Assert.Equal(TrainingOutcome.Cancelled, result.Outcome);
                Assert.Equal(10, result.CheckpointStep);
            }

            using (var run = ToyRun.Resume(interrupted.FullName, null, 1, "cpu"))
            {
                Assert.Equal(10, run.Trainer.Step);
                Assert.Equal(TrainingOutcome.Completed, run.Train().Outcome);
            }

            foreach (var file in new[] { ToyCheckpoint.ModelFile, ToyCheckpoint.OptimizerFile })
                Assert.Equal(File.ReadAllBytes(Path.Combine(straight.FullName, file)), File.ReadAllBytes(Path.Combine(interrupted.FullName, file)));
            static string[] Metrics(DirectoryInfo d) =>
                MetricsLog.Read(Path.Combine(d.FullName, MetricsLog.FileName)).Select(r => MetricsLog.ToJsonLine(r with { ElapsedSeconds = 0 })).ToArray();
            Assert.Equal(Metrics(straight), Metrics(interrupted));
            Assert.Equal(4, Metrics(straight).Length); // steps 5, 10, 15, 20
        }
        finally
        {
            straight.Delete(recursive: true);
            interrupted.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenALossThatTurnsNaN_WhenTraining_ThenItStopsAndKeepsTheLastGoodCheckpoint()
    {
        var folder = TrainerFixture.TempDir();
        try
        {
            var config = TrainerFixture.Config(TrainerFixture.Training with { CheckpointEvery = 5 });
            var data = TrainerFixture.Data(config);
            using var model = new HookedTransformer(config.Model);
            using var trainer = new ToyTrainer(model, data, config.Training, folder.FullName);
            // Step index 11 is the 12th update: checkpoints exist for steps 5 and 10.
            trainer.LossTransform = (step, loss) => step == 11 ? loss * tensor(float.NaN) : loss;

            var result = trainer.Train();

            Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
            Assert.Equal(12, result.Step);
            Assert.Equal(10, result.CheckpointStep);
            Assert.Contains("step 10", result.Message);
            var weights = SafeTensorsFile.Read(Path.Combine(folder.FullName, ToyCheckpoint.ModelFile));
            Assert.Equal("10", weights.Metadata["step"]);
            Assert.All(weights.Tensors.Values, t => Assert.All(t.ToFloats(), v => Assert.True(float.IsFinite(v))));
            // The checkpoint is whole: a fresh model loads it.
            using var reloaded = ToyCheckpoint.LoadModel(folder.FullName);
            Assert.Equal(model.Config, reloaded.Config);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenManySteps_WhenTraining_ThenTheLiveTensorCountStaysFlat()
    {
        var config = TrainerFixture.Config(TrainerFixture.Training with { Steps = 60, EvalEvery = 0, CheckpointEvery = 0 });
        using var model = new HookedTransformer(config.Model);
        using var trainer = new ToyTrainer(model, TrainerFixture.Data(config), config.Training, "unused") { WriteFiles = false };
        var live = new Dictionary<long, long>();

        trainer.Train(new Callback(p => live[p.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount));

        // After warm-up (AdamW and autograd allocate their state on the first steps) nothing accumulates.
        Assert.Equal(live[10], live[59]);
    }

    [Fact]
    public void GivenACheckpoint_WhenLoadedIntoAFreshModel_ThenLogitsAreIdentical()
    {
        var folder = TrainerFixture.TempDir();
        try
        {
            var config = TrainerFixture.Config(TrainerFixture.Training with { Steps = 5 });
            using var run = ToyRun.Create("copy", null, null, config, folder.FullName, 1, "cpu");
            run.Train();
            using var reloaded = ToyCheckpoint.LoadModel(folder.FullName);
            using var tokens = tensor(new long[] { 1, 2, 3, 4, 1, 2, 3, 4 }, [1, 8]);

            using var a = run.Model.Run(tokens);
            using var b = reloaded.Run(tokens);

            Assert.True(a.equal(b).all().item<bool>());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
