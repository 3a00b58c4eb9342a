using Probing.Cli;
using Probing.Runs;
using Probing.ToyModels.Checkpoints;
using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>Training run folders: resumes that overlap, runs killed before their first checkpoint, leftovers, divergence.</summary>
public sealed class ToyRunFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("toy-run-folder-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void GivenARunBeingResumed_WhenASecondResumeStarts_ThenOneLineAndExit2()
    {
        var run = Path.Combine(_folder, "run");
        Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", run).Code);

        using (RunFolder.Claim(run, _ => true)) // the first resume holds the folder
        {
            var (code, _, error) = Run("toy", "train", "--resume", "--steps", "4", "--threads", "1", "--out", run);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("in use by another run", error);
            Assert.Single(error.Trim().Split('\n'));
        }

        Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--resume", "--steps", "4", "--threads", "1", "--out", run).Code);
    }

    [Fact]
    public void GivenARunKilledBeforeItsFirstCheckpoint_WhenStartedAgainOrResumed_ThenItTrainsFromStepZeroAndLeftoversGo()
    {
        var reference = Path.Combine(_folder, "reference");
        Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "3", "--threads", "1", "--out", reference).Code);

        foreach (var resume in new[] { true, false })
        {
            // What a kill in the first second leaves: run.json, a stale lock of a dead process, a half-written temp file and an uncommitted checkpoint.
            var run = Path.Combine(_folder, resume ? "resumed" : "restarted");
            Directory.CreateDirectory(Path.Combine(run, ToyCheckpoint.StagingFolder));
            File.Copy(Path.Combine(reference, "run.json"), Path.Combine(run, "run.json"));
            File.WriteAllText(Path.Combine(run, ToyCheckpoint.StagingFolder, ToyCheckpoint.ModelFile), "half");
            File.WriteAllText(Path.Combine(run, ".run.json.0123456789abcdef.tmp.json"), "{");
            File.WriteAllText(Path.Combine(run, RunFolder.LockFile), "999999999\n" + Environment.MachineName + "\n");

            var (code, output, error) = resume
                ? Run("toy", "train", "--resume", "--threads", "1", "--out", run)
                : Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "3", "--threads", "1", "--out", run);

            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("starting it over from step 0", error);
            Assert.Contains("Trained 3 steps", output);
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference, ToyCheckpoint.ModelFile)), File.ReadAllBytes(Path.Combine(run, ToyCheckpoint.ModelFile)));
            Assert.Empty(Directory.GetFileSystemEntries(run, ".*"));
        }
    }

    [Fact]
    public void GivenARunThatDivergesBeforeAnyCheckpoint_WhenTrained_ThenNoCheckpointLineIsPrinted()
    {
        var config = Path.Combine(_folder, "diverge.json");
        File.WriteAllText(config, """{"training": {"lr": 1e30, "warmup_steps": 0, "checkpoint_every": 0}}""");
        var run = Path.Combine(_folder, "run");

        var (code, output, _) = Run("toy", "train", "--task", "copy", "--preset", "tiny", "--config", config, "--threads", "1", "--out", run);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("diverged", output);
        Assert.DoesNotContain("checkpoint:", output);
        Assert.False(ToyCheckpoint.Exists(run));
        Assert.True(RunRecord.Read(Path.Combine(run, "run.json"))["partial"]!.GetValue<bool>());
    }
}
