using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Training;
using static TorchSharp.torch;
using Probing.Runs;

namespace Probing.ToyModels.Tests.Training;

public sealed class InitialWeightsTests
{
    [Fact]
    public void GivenATrainedCheckpoint_WhenARunStartsWithInitFrom_ThenItsWeightsAreTheCheckpointsAndRunJsonNamesThem()
    {
        var source = TrainerFixture.TempDir();
        var tuned = TrainerFixture.TempDir();
        var fresh = TrainerFixture.TempDir();
        try
        {
            using (var run = ToyRun.Create("copy", null, null, TrainerFixture.Config(), source.FullName, 1, "cpu"))
                Assert.Equal(TrainingOutcome.Completed, run.Train().Outcome);
            var other = TrainerFixture.Config() with { Model = TrainerFixture.Model with { Seed = 99 } };
            using var trained = ToyCheckpoint.LoadModel(source.FullName);

            using var start = ToyRun.Create("copy", null, null, other, tuned.FullName, 1, "cpu", initFrom: source.FullName);
            using var scratch = ToyRun.Create("copy", null, null, other, fresh.FullName, 1, "cpu");

            var expected = trained.StateDict().ToDictionary(p => p.Key, p => p.Value);
            foreach (var (name, tensor) in start.Model.StateDict())
                Assert.True(tensor.eq(expected[name]).all().item<bool>(), $"{name} differs from the checkpoint");
            Assert.Contains(scratch.Model.StateDict(), p => !p.Value.eq(expected[p.Key]).all().item<bool>());
            var init = JsonNode.Parse(File.ReadAllText(Path.Combine(tuned.FullName, RunInfo.FileName)))!["parameters"]!["init_from"]!;
            var weights = Path.Combine(source.FullName, ToyCheckpoint.ModelFile);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weights))), init["model_sha256"]!.GetValue<string>());
            Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(fresh.FullName, RunInfo.FileName)))!["parameters"]!["init_from"]);
        }
        finally
        {
            foreach (var folder in new[] { source, tuned, fresh }) folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenACheckpointOfAnotherWidth_WhenARunStartsWithInitFrom_ThenOneLineErrorAndNoRunFolder()
    {
        var source = TrainerFixture.TempDir();
        var target = Path.Combine(Path.GetTempPath(), $"toy-init-{Guid.NewGuid():N}");
        try
        {
            using (var run = ToyRun.Create("copy", null, null, TrainerFixture.Config(TrainerFixture.Training with { Steps = 2, WarmupSteps = 0 }), source.FullName, 1, "cpu"))
                run.Train();
            var wider = TrainerFixture.Config() with { Model = TrainerFixture.Model with { DModel = 32, DHead = 16 } };

            var error = Assert.Throws<InvalidDataException>(() => ToyRun.Create("copy", null, null, wider, target, 1, "cpu", initFrom: source.FullName));

            Assert.StartsWith("InitFrom: ", error.Message);
            Assert.Equal(["InitFrom"], OptionNames.In(error));
            Assert.DoesNotContain('\n', error.Message);
            Assert.False(Directory.Exists(target));
        }
        finally
        {
            source.Delete(recursive: true);
        }
    }
}
