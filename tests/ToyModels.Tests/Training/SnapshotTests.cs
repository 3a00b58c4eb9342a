using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tests.Training;

public sealed class SnapshotTests
{
    private sealed class Callback(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    [Fact]
    public void GivenARunWithSnapshotsStoppedAndResumed_WhenFinished_ThenItHoldsEverySnapshotBitForBitAsAnUninterruptedRun()
    {
        var straight = TrainerFixture.TempDir();
        var interrupted = TrainerFixture.TempDir();
        try
        {
            var config = TrainerFixture.Config(TrainerFixture.Training with { SnapshotEvery = 4 });
            using (var run = ToyRun.Create("copy", null, null, config, straight.FullName, 1, "cpu"))
                Assert.Equal(TrainingOutcome.Completed, run.Train().Outcome);

            using (var cancel = new CancellationTokenSource())
            using (var run = ToyRun.Create("copy", null, null, config, interrupted.FullName, 1, "cpu"))
            {
                var result = run.Train(new Callback(p => { if (p.Step == 10) cancel.Cancel(); }), cancel.Token);
                Assert.Equal(TrainingOutcome.Cancelled, result.Outcome);
                Assert.Equal(10, result.CheckpointStep);
            }
            Assert.Equal([4L, 8L], ModelSnapshots.List(interrupted.FullName).Select(s => s.Step));
            // A killed run can leave a snapshot past its last checkpoint; the resume must take it again, not keep it.
            var stale = Path.Combine(interrupted.FullName, ModelSnapshots.FolderName, "step-0000013");
            Directory.CreateDirectory(stale);
            File.WriteAllText(Path.Combine(stale, ToyCheckpoint.ModelFile), "stale");

            using (var run = ToyRun.Resume(interrupted.FullName, null, 1, "cpu"))
                Assert.Equal(TrainingOutcome.Completed, run.Train().Outcome);

            var expected = ModelSnapshots.List(straight.FullName);
            Assert.Equal([4L, 8L, 12L, 16L, 20L], expected.Select(s => s.Step));
            Assert.Equal(expected.Select(s => s.Step), ModelSnapshots.List(interrupted.FullName).Select(s => s.Step));
            foreach (var (step, dir) in expected)
            {
                var resumed = Path.Combine(interrupted.FullName, ModelSnapshots.FolderName, Path.GetFileName(dir));
                Assert.True(File.ReadAllBytes(Path.Combine(dir, ToyCheckpoint.ModelFile)).SequenceEqual(File.ReadAllBytes(Path.Combine(resumed, ToyCheckpoint.ModelFile))),
                    $"snapshot of step {step} differs");
            }
            // The last snapshot holds the final weights.
            using var final = ToyCheckpoint.LoadModel(straight.FullName);
            using var last = ToyCheckpoint.LoadModel(expected[^1].Directory);
            Assert.True(final.W_E.allclose(last.W_E, rtol: 0, atol: 0));
        }
        finally
        {
            straight.Delete(recursive: true);
            interrupted.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenARunWithoutSnapshotEvery_WhenResumedWithIt_ThenTheResumedPartTakesSnapshotsAndTheConfigKeepsIt()
    {
        var folder = TrainerFixture.TempDir();
        try
        {
            var config = TrainerFixture.Config(TrainerFixture.Training with { Steps = 10 });
            using (var run = ToyRun.Create("copy", null, null, config, folder.FullName, 1, "cpu"))
                Assert.Equal(TrainingOutcome.Completed, run.Train().Outcome);
            Assert.Empty(ModelSnapshots.List(folder.FullName));

            using (var run = ToyRun.Resume(folder.FullName, 20, 1, "cpu", snapshotEvery: 5))
                Assert.Equal(TrainingOutcome.Completed, run.Train().Outcome);

            Assert.Equal([15L, 20L], ModelSnapshots.List(folder.FullName).Select(s => s.Step));
            var info = RunInfo.Read(folder.FullName, _ => config);
            Assert.Equal(5, info.Config.Training.SnapshotEvery);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
