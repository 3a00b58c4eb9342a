using Probing.Cli;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

public sealed class ToyBetaBernoulliCliTests
{

    [Theory]
    [InlineData("toy", "analyze", "--task", "beta-bernoulli", "--checkpoint", "/no/such/run")]
    [InlineData("toy", "analyze", "--task", "previous-token", "--checkpoint", "/no/such/run")]
    [InlineData("toy", "train", "--task", "beta-bernoulli", "--preset", "no-such-preset")]
    public void GivenBadInput_WhenRun_ThenOneLineAndExitCode2(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("probe: ", error);
    }

    [Fact]
    public void GivenATinyTrainedRun_WhenAnalysing_ThenTheReportHasEveryAnalysisAndTheEvalJsonHasTheMetricKeys()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bb-cli-{Guid.NewGuid():N}");
        try
        {
            var (trained, _, trainError) = Run("toy", "train", "--task", "beta-bernoulli", "--preset", "tiny", "--steps", "4", "--out", dir, "--threads", "1");
            Assert.True(trained == ExitCodes.Ok, trainError);
            var (evaluated, json, _) = Run("toy", "eval", "--checkpoint", dir, "--json", "--threads", "1");
            Assert.Equal(ExitCodes.Ok, evaluated);
            foreach (var key in new[] { "\"loss_nats\"", "\"bayes_loss_nats\"", "\"known_p_floor_nats\"", "\"kl_to_bayes_nats\"" }) Assert.Contains(key, json);

            var (code, output, error) = Run("toy", "analyze", "--task", "beta-bernoulli", "--checkpoint", dir, "--threads", "1");
            Assert.True(code == ExitCodes.Ok, error);
            var report = File.ReadAllText(Path.Combine(dir, "analysis", "report.md"));
            foreach (var section in new[] { "## 0.", "## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## 6." }) Assert.Contains(section, report);
            Assert.Contains("report:", output);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
