using System.Text.Json;
using Probing.Cli;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

public sealed class ToyTrainCliTests
{

    [Theory]
    [InlineData("toy", "train", "--task", "no-such-task")]
    [InlineData("toy", "train", "--task", "copy", "--preset", "no-such-preset")]
    [InlineData("toy", "train", "--task", "copy", "--config", "/no/such/config.json")]
    [InlineData("toy", "train", "--resume")]
    [InlineData("toy", "train", "--task", "copy", "--init-from", "/no/such/run")]
    [InlineData("toy", "train", "--resume", "--out", "/no/such/run", "--init-from", "/no/such/run")]
    [InlineData("toy", "eval", "--checkpoint", "/no/such/run")]
    [InlineData("toy", "train", "--task", "copy", "--device", "tpu")]
    [InlineData("bench", "toy", "--steps", "0")]
    public void GivenBadInput_WhenRun_ThenOneLineAndExitCode2(params string[] args)
    {
        var (code, _, error) = Run(args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("probe: ", error);
    }

    [Fact]
    public void GivenABadConfigFile_WhenTraining_ThenTheErrorNamesTheFileAndExitCode2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"model\": {\"d_model\": \"wide\"}}");
        try
        {
            var (code, _, error) = Run("toy", "train", "--task", "copy", "--config", path, "--out", path + ".run");

            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains(path, error);
            Assert.False(Directory.Exists(path + ".run"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GivenACopyRun_WhenEvaluatedAsAnotherTask_ThenOneLineSaysToLeaveOutTaskAndTheHelpPromisesNoCrossTaskEvaluation()
    {
        var folder = Directory.CreateTempSubdirectory("toy-cli-task-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "1", "--out", run).Code);

            var (code, _, error) = Run("toy", "eval", "--checkpoint", run, "--task", "trigram");
            var help = Run("toy", "eval", "--help").Out;

            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.Contains("was trained on task 'copy', not 'trigram'", error);
            Assert.EndsWith("so leave --task out.", error.TrimEnd());
            Assert.DoesNotContain("Task to evaluate on", help);
            Assert.Contains("another task is refused", help);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenATinyRun_WhenTrainedThenEvaluatedAsJson_ThenTheKeysAreTheTaskMetrics()
    {
        var folder = Directory.CreateTempSubdirectory("toy-cli-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            var (trainCode, trainOut, _) = Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "4", "--seed", "2", "--out", run);
            Assert.Equal(ExitCodes.Ok, trainCode);
            Assert.Contains("Trained 4 steps", trainOut);
            foreach (var file in new[] { "model.safetensors", "config.json", "metrics.jsonl", "run.json", "trainer_state.json", "trainer_state.safetensors" })
                Assert.True(File.Exists(Path.Combine(run, file)), file);

            var (code, output, _) = Run("toy", "eval", "--checkpoint", run, "--json");

            Assert.Equal(ExitCodes.Ok, code);
            using var json = JsonDocument.Parse(output);
            Assert.Equal(["loss", "accuracy", "loss_as_frac"], json.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.InRange(json.RootElement.GetProperty("accuracy").GetDouble(), 0, 1);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
