using Probing.Cli;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>
/// <c>probe toy sweep</c> as an array job: three shards, shard 0 a real process given <c>--shard auto</c> and Slurm
/// variables, killed after its first point and restarted, collected into the same sweep.csv as one process.
/// </summary>
public sealed class ToySweepShardCliTests : IDisposable
{
    // Four points (d_model 8, 16 × n_heads 1, 2); shard 0 of 3 owns points 0 and 3.
    private const string Grid = "{\"d_model\": [8, 16], \"n_layers\": [1], \"n_heads\": [1, 2], \"preset\": \"tiny\", \"steps\": 40, " +
        "\"config\": {\"task\": {\"eval_batch\": 8}, \"training\": {\"eval_every\": 20, \"checkpoint_every\": 40}}}";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "probing-sweep-shards-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string[] Sweep(string output, string shard) =>
        ["toy", "sweep", "--task", "n-recurrence", "--grid", Path.Combine(_dir, "grid.json"), "--out", output, "--threads", "1", "--shard", shard];

    [Fact]
    public async Task GivenThreeShardsOneKilledAndRestarted_WhenCollected_ThenSweepCsvEqualsTheSingleProcessSweep()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "grid.json"), Grid);
        var single = Path.Combine(_dir, "single");
        var sharded = Path.Combine(_dir, "sharded");
        Assert.Equal(ExitCodes.Ok, Run(Sweep(single, "0/1")).Code);
        Assert.Equal(ExitCodes.Ok, Run("toy", "sweep", "collect", single).Code);

        // Shard 0 through --shard auto in a Slurm array --array=0-2, killed (SIGKILL, as a preempted task) after its first point.
        var shardFile = Path.Combine(sharded, "shard-0-of-3.jsonl");
        var slurm = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "0", ["SLURM_ARRAY_TASK_COUNT"] = "3", ["SLURM_ARRAY_TASK_MIN"] = "0" };
        using (var process = ProbeProcess.Start(slurm, Sweep(sharded, "auto")))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            // Killed once its second point (index 3) has started training: then point 0 is written and point 3 is
            // not, whatever the machine's speed (a quiet machine trains a point in tens of milliseconds).
            var secondPoint = Path.Combine(sharded, "runs", "point-003");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!Directory.Exists(secondPoint) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
                Thread.Yield();
            var running = !process.HasExited;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.True(running, "shard 0 ended before its second point; the test needs the kill to land mid-shard");
        }
        var firstLine = Assert.Single(File.ReadAllLines(shardFile));
        Assert.Contains("\"index\":0,", firstLine, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Ok, Run(Sweep(sharded, "1/3")).Code);
        Assert.Equal(ExitCodes.Ok, Run(Sweep(sharded, "2/3")).Code);
        var (code, _, error) = Run("toy", "sweep", "collect", sharded);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("1 of 4 points missing (3); rerun shard 0/3", error, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Ok, Run(Sweep(sharded, "0/3")).Code); // the restart
        var lines = File.ReadAllLines(shardFile);
        Assert.Equal([firstLine], lines.Take(1)); // point 0 read back, not retrained (same wall time)
        Assert.Equal(2, lines.Length);
        Assert.Equal(ExitCodes.Ok, Run("toy", "sweep", "collect", sharded).Code);
        Assert.Equal(File.ReadAllText(Path.Combine(single, "sweep.csv")), File.ReadAllText(Path.Combine(sharded, "sweep.csv")));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(sharded, "sweep.csv")).Length);
    }

    [Fact]
    public void GivenAFolderOfAnotherGrid_WhenAShardRuns_ThenOneLineAndExit2()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "grid.json"), Grid);
        var folder = Path.Combine(_dir, "other");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "grid.json"), "{\"task\":\"n-recurrence\",\"grid\":{\"d_model\":[4],\"n_layers\":[1],\"n_heads\":[1]}}\n");
        var (code, _, error) = Run(Sweep(folder, "0/2"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("holds a sweep of another task or grid", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenShardAutoOutsideAnArray_WhenTheSweepRuns_ThenOneLineAndExit2()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "grid.json"), Grid);
        var (code, _, error) = await ProbeProcess.Run(new Dictionary<string, string>(), Sweep(Path.Combine(_dir, "x"), "auto"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("probe: --shard auto: not inside an array job (none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PROBE_SHARD_INDEX is set); pass --shard i/N", error.TrimEnd());
    }
}
