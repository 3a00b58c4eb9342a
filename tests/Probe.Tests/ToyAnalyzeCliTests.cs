using Probing.Cli;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

public sealed class ToyAnalyzeCliTests
{

    [Theory]
    [InlineData("toy", "analyze", "--task", "no-such-task", "--checkpoint", "/tmp")]
    [InlineData("toy", "analyze", "--task", "trigram", "--checkpoint", "/no/such/run")]
    [InlineData("toy", "analyze", "--task", "trigram")]
    public void GivenBadInput_WhenAnalyzing_ThenOneLineAndExitCode2(params string[] args)
    {
        var (code, _, error) = Run(args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("probe: ", error);
    }

    [Fact]
    public void GivenTinyTrigramRun_WhenAnalyzed_ThenReportAndFiguresAreWritten()
    {
        var folder = Directory.CreateTempSubdirectory("toy-analyze-");
        try
        {
            var config = Path.Combine(folder.FullName, "tiny.json");
            File.WriteAllText(config, """
                {"model": {"d_vocab": 6, "n_ctx": 8, "d_model": 8, "d_head": 4, "d_mlp": 8},
                 "task": {"d_vocab": 6, "trigram_prob": 0.3, "eval_size": 20},
                 "training": {"steps": 3, "batch_size": 8, "eval_every": 0, "checkpoint_every": 0}}
                """);
            var run = Path.Combine(folder.FullName, "run");
            var (trainCode, _, trainError) = Run("toy", "train", "--task", "trigram", "--config", config, "--out", run, "--threads", "1");
            Assert.True(trainCode == ExitCodes.Ok, trainError);

            var out1 = Path.Combine(folder.FullName, "analysis");
            var (code, output, error) = Run("toy", "analyze", "--task", "trigram", "--checkpoint", run, "--out", out1, "--compare", run);

            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("report:", output);
            var report = File.ReadAllText(Path.Combine(out1, "report.md"));
            Assert.Contains("## 5. Attention-only against attention + MLP", report);
            Assert.True(File.Exists(Path.Combine(out1, "qk_token.png")));
            Assert.True(File.Exists(Path.Combine(out1, "compare", "ablation.csv")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenAnNRecurrenceRunTrainedWithSnapshots_WhenAnalyzed_ThenProgressMeasuresReadTheSnapshotsAndRunJsonRecordsTheSeed()
    {
        var folder = Directory.CreateTempSubdirectory("toy-analyze-nrec-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            var (trainCode, _, trainError) = Run("toy", "train", "--task", "n-recurrence", "--preset", "tiny", "--steps", "20", "--snapshot-every", "10",
                "--out", run, "--threads", "1");
            Assert.True(trainCode == ExitCodes.Ok, trainError);
            Assert.Equal(["step-0000010", "step-0000020"], Directory.GetDirectories(Path.Combine(run, "snapshots")).Select(Path.GetFileName).Order());

            var (rejected, _, rejectedError) = Run("toy", "analyze", "--task", "n-recurrence", "--checkpoint", run, "--compare", run);
            Assert.Equal(ExitCodes.BadInput, rejected);
            Assert.Contains("--compare is not used by the n-recurrence analyses", rejectedError);

            var outDir = Path.Combine(folder.FullName, "analysis");
            var (code, output, error) = Run("toy", "analyze", "--task", "n-recurrence", "--checkpoint", run, "--sequences", "32", "--seed", "7",
                "--out", outDir, "--threads", "1");
            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("ideal_loss_nats", output);
            Assert.Contains("report:", output);
            Assert.Contains("## 5. Progress measures during training", File.ReadAllText(Path.Combine(outDir, "report.md")));
            // Header + the snapshot of step 10 + the final weights (the snapshot of step 20 is the final step).
            Assert.Equal(["10", "20"], File.ReadAllLines(Path.Combine(outDir, "progress_measures.csv")).Skip(1).Select(l => l.Split(',')[0]));
            var record = Probing.Runs.RunRecord.Read(Path.Combine(outDir, Probing.Runs.RunRecord.FileName));
            Assert.Equal("toy analyze", record["command"]!.GetValue<string>());
            Assert.Equal(7, record["seed"]!.GetValue<long>());
            Assert.Equal(32, record["parameters"]!["sequences"]!.GetValue<int>());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenCopyTaskCheckpoint_WhenAnalyzedAsTrigram_ThenItIsRejectedWithExitCode2()
    {
        var folder = Directory.CreateTempSubdirectory("toy-analyze-copy-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "2", "--out", run, "--threads", "1").Code);
            var (code, _, error) = Run("toy", "analyze", "--task", "trigram", "--checkpoint", run);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Single(error.TrimEnd().Split('\n'));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
