using System.Diagnostics;
using Probing.Cli;
using Probing.ToyModels.Checkpoints;
using Xunit.Abstractions;

namespace Probing.Probe.Tests;

/// <summary>
/// A training must never be lost: a real <c>probe toy train</c> child process is killed (SIGKILL) many
/// times, at random moments and right inside checkpoint writes, and resumed each time; every resume must
/// be accepted, and the finished run must be bit-identical to one that was never interrupted.
/// PROBE_KILL_RUNS sets the number of kills (default 8).
/// </summary>
public sealed class CheckpointKillTests : IDisposable
{
    private const int Steps = 60;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"kill-{Guid.NewGuid():N}");
    private readonly ITestOutputHelper _log;

    public CheckpointKillTests(ITestOutputHelper log)
    {
        _log = log;
        Directory.CreateDirectory(_folder);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task GivenTrainingKilledDuringCheckpointWrites_WhenResumedEachTime_ThenEveryResumeWorksAndTheResultIsBitIdentical()
    {
        var config = Path.Combine(_folder, "every-step.json");
        File.WriteAllText(config, """{"training": {"checkpoint_every": 1, "eval_every": 5}}""");
        var reference = Path.Combine(_folder, "reference");
        var (code, _, error) = CliRunner.Run("toy", "train", "--task", "copy", "--preset", "tiny", "--config", config, "--steps", $"{Steps}",
            "--threads", "1", "--out", reference);
        Assert.True(code == ExitCodes.Ok, error);

        var run = Path.Combine(_folder, "killed");
        var kills = int.TryParse(Environment.GetEnvironmentVariable("PROBE_KILL_RUNS"), out var n) ? n : 8;
        var random = new Random(20261130);
        var killedInsideWrite = 0;
        var killed = 0;
        for (var i = 0; i < kills; i++)
        {
            var resume = File.Exists(Path.Combine(run, "run.json"));
            using var child = Start(resume, run, config);
            var insideWrite = i % 2 == 0;
            if (insideWrite)
            {
                // Wait for a checkpoint write in flight (its staging or commit folder), then kill within microseconds.
                var staging = Path.Combine(run, ToyCheckpoint.StagingFolder);
                var commit = Path.Combine(run, ToyCheckpoint.CommitFolder);
                var skip = random.Next(0, 6);
                var clock = Stopwatch.StartNew();
                while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    if ((Directory.Exists(staging) || Directory.Exists(commit)) && skip-- <= 0) break;
                    if (Directory.Exists(staging) || Directory.Exists(commit)) Thread.SpinWait(2000);
                }

                Thread.SpinWait(random.Next(0, 20000));
            }
            else
            {
                // A random moment of training, counted in steps rather than time (a quiet machine trains the
                // whole run in about a second): a few checkpoints after the one it resumed from.
                var target = Math.Max(CheckpointStep(run), 0) + random.Next(1, 5);
                var clock = Stopwatch.StartNew();
                while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60) && CheckpointStep(run) < target) await Task.Delay(1);
                Thread.SpinWait(random.Next(0, 20000));
            }

            var wasRunning = !child.HasExited;
            if (wasRunning)
            {
                if (insideWrite && (Directory.Exists(Path.Combine(run, ToyCheckpoint.StagingFolder)) || Directory.Exists(Path.Combine(run, ToyCheckpoint.CommitFolder))))
                    killedInsideWrite++;
                child.Kill();
                killed++;
            }

            await child.WaitForExitAsync();
            if (!wasRunning)
            {
                // It finished (or refused) before the kill: a refusal is the failure this test looks for.
                var stderr = await child.StandardError.ReadToEndAsync();
                Assert.True(child.ExitCode == 0, $"kill {i}: {(resume ? "resume" : "start")} exited {child.ExitCode}: {stderr}");
                break;
            }
        }

        _log.WriteLine($"kills: {kills} asked, {killed} done, {killedInsideWrite} inside a checkpoint write");
        using (var final = Start(File.Exists(Path.Combine(run, "run.json")), run, config))
        {
            var stderr = final.StandardError.ReadToEndAsync();
            await final.WaitForExitAsync();
            Assert.True(final.ExitCode == 0, $"final resume exited {final.ExitCode}: {await stderr}");
        }

        foreach (var file in new[] { ToyCheckpoint.ModelFile, ToyCheckpoint.OptimizerFile })
            Assert.True(File.ReadAllBytes(Path.Combine(reference, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(run, file))), $"{file} differs from the uninterrupted run");
        Assert.False(Directory.Exists(Path.Combine(run, ToyCheckpoint.StagingFolder)));
        Assert.False(Directory.Exists(Path.Combine(run, ToyCheckpoint.CommitFolder)));
        Assert.Empty(Directory.GetFiles(run, ".*.tmp*"));
        Assert.True(kills < 2 || killedInsideWrite > 0, "no kill landed inside a checkpoint write");
        Assert.True(killed >= Math.Min(kills, 2), $"only {killed} kills happened");
    }

    /// <summary>The step of the run's last complete checkpoint, or −1 while there is none.</summary>
    private static long CheckpointStep(string run)
    {
        try
        {
            var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, ToyCheckpoint.StateFile)));
            return state?["step"]?.GetValue<long>() ?? -1;
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return -1;
        }
    }

    private static Process Start(bool resume, string run, string config)
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "probe.dll");
        string[] args = resume
            ? ["exec", probe, "toy", "train", "--resume", "--out", run, "--threads", "1"]
            : ["exec", probe, "toy", "train", "--task", "copy", "--preset", "tiny", "--config", config, "--steps", $"{Steps}", "--threads", "1", "--out", run];
        var start = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }
}
