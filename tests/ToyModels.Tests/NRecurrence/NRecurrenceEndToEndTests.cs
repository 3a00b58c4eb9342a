using System.Text.Json.Nodes;
using Probing.ToyModels.Sweep;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Tasks.NRecurrence;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tests.NRecurrence;

public sealed class NRecurrenceEndToEndTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nrec-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void GivenATinyStochasticRunWithSnapshots_WhenAnalysed_ThenEveryAnalysisWritesCsvPngAndTheReport()
    {
        var task = ToyTaskRegistry.Get("n-recurrence");
        var preset = ToyTaskRegistry.GetPreset(task, "tiny").Run;
        var config = preset with
        {
            Task = new JsonObject { ["stochastic"] = true, ["train_sequences"] = 50, ["eval_batch"] = 16 },
            Training = preset.Training with { Steps = 6, EvalEvery = 3, CheckpointEvery = 6, SnapshotEvery = 3 },
        };
        var run = Path.Combine(_dir, "run");
        using (var toy = ToyRun.Create(task.Name, "tiny", null, config, run, 1, "cpu"))
            Assert.Equal(TrainingOutcome.Completed, toy.Train(null).Outcome);
        Assert.Equal([3L, 6L], ModelSnapshots.List(run).Select(s => s.Step));
        var last = MetricsLog.Read(Path.Combine(run, MetricsLog.FileName))[^1];
        Assert.True(last.Eval.ContainsKey("train_set_loss_nats"));

        static string[] Files(string dir) => [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        var before = Files(_dir);
        var analyses = NRecurrenceCheckpointAnalysis.Compute(run, sequences: 48);
        Assert.Equal(before, Files(_dir)); // computing writes nothing
        Assert.Equal(2, analyses.Attention.Heads.Count);
        Assert.Equal([3L, 6L], analyses.Progress.Points.Select(p => p.Step)); // snapshot 3 and the final checkpoint (snapshot 6 is that one)
        var result = NRecurrenceCheckpointAnalysis.Write(analyses, Path.Combine(_dir, "analysis"));
        Assert.Equal(analyses.LossByPosition.MeanGapNats, result.MeanGapNats);
        foreach (var name in new[] { "loss_by_position", "icl_rate", "belief_probes", "attention_targets", "progress_measures" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, "analysis", name + ".csv")), name);
            Assert.True(new FileInfo(Path.Combine(_dir, "analysis", name + ".png")).Length > 1000, name);
        }

        foreach (var name in new[] { "belief_edit", "belief_trajectory" })
            Assert.True(File.Exists(Path.Combine(_dir, "analysis", name + ".csv")), name);
        var report = File.ReadAllText(result.Report);
        Assert.Contains("## 2. In-context learning rate after a transition", report, StringComparison.Ordinal);
        Assert.Contains("## 6. Editing the belief about t (causal test)", report, StringComparison.Ordinal);
        Assert.Contains("## 7. Belief trajectories around transitions", report, StringComparison.Ordinal);
        Assert.Contains("transitions;", report, StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, "analysis", "progress_measures.csv")).Length); // header + 2 points
        Assert.InRange(result.MeanGapNats, -0.5, 3);
        Assert.Equal(2, result.Heads.Count); // 1 layer × 2 heads
    }

    [Fact]
    public void GivenTwoShards_WhenRunAndCollected_ThenEachPointHasOneLineAndRerunsSkipDonePoints()
    {
        var grid = SweepGrid.Parse("{\"d_model\": [8], \"n_layers\": [1], \"n_heads\": [1, 2], \"preset\": \"tiny\", \"steps\": 2, " +
            "\"config\": {\"task\": {\"eval_batch\": 8}, \"training\": {\"eval_every\": 2, \"checkpoint_every\": 2}}}");
        var first = SweepRunner.Run("n-recurrence", grid, 0, 2, _dir, 1);
        SweepRunner.Run("n-recurrence", grid, 1, 2, _dir, 1);
        var again = SweepRunner.Run("n-recurrence", grid, 0, 2, _dir, 1);
        Assert.Equal(first.Select(r => r.WallSeconds), again.Select(r => r.WallSeconds)); // read back, not retrained

        var summary = SweepSummary.Collect(_dir, "loss_nats", null, 100);
        Assert.Equal([0, 1], summary.Results.Select(r => r.Index).Order());
        Assert.Empty(summary.Duplicates);
        Assert.Equal(summary.Results.MinBy(r => r.Parameters)!.Index, summary.Smallest!.Index);
        Assert.All(summary.Results, r => Assert.True(r.Metrics.ContainsKey("ideal_loss_nats")));
        Assert.Null(SweepSummary.Collect(_dir, "loss_nats", "ideal_loss_nats", -10).Smallest);
    }
}
