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
