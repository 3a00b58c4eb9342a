using Probing.Cli;
using Probing.IclHarness.Icl;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>
/// <c>probe icl --shard</c> and <c>probe icl merge</c> on the bundled model: the run of the issue
/// (<c>--task 2x+3 --contexts 8 --seed 3</c>) against shards 0/2 (in-process) and 1/2 (a real process given
/// <c>--shard auto</c> and the variables of a Slurm array <c>--array=1-2</c>), merged.
/// </summary>
public sealed class IclShardCliTests : IClassFixture<IclShardCliTests.ShardedRun>
{
    private readonly ShardedRun _run;

    public IclShardCliTests(ShardedRun run) => _run = run;

    public sealed class ShardedRun : IDisposable
    {
        public ShardedRun()
        {
            Folder = Path.Combine(Path.GetTempPath(), "probing-icl-shards-" + Guid.NewGuid().ToString("N")[..8]);
            Model = BundledModel.Find() ?? throw new InvalidOperationException($"{BundledModel.RelativePath} is missing from the checkout");
            Single = Path.Combine(Folder, "single");
            Shard0 = Path.Combine(Folder, "shard-0");
            Shard1 = Path.Combine(Folder, "shard-1");
            SingleRun = CliRunner.Run(Args(Single));
            Shard0Run = CliRunner.Run(Args(Shard0, "--shard", "0/2"));
            var slurm = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "2" };
            Shard1Run = ProbeProcess.Run(slurm, Args(Shard1, "--shard", "auto")).GetAwaiter().GetResult();
        }

        public string Folder { get; }

        public string Model { get; }

        public string Single { get; }

        public string Shard0 { get; }

        public string Shard1 { get; }

        public (int Code, string Out, string Error) SingleRun { get; }

        public (int Code, string Out, string Error) Shard0Run { get; }

        public (int Code, string Out, string Error) Shard1Run { get; }

        public string[] Args(string output, params string[] extra) =>
            ["icl", "--task", "2x+3", "--contexts", "8", "--seed", "3", "--model", Model, "--threads", "1", "--out", output, .. extra];

        public string Copy(string shard, string name)
        {
            var copy = Path.Combine(Folder, name);
            foreach (var file in Directory.GetFiles(shard, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(shard, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            return copy;
        }

        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// What run.json says about the measurement: seed, model, progress and every parameter of the run; not when or
    /// through which command line it ran, nor the merge's own inputs (the shard folders) and the single run's threads.
    /// </summary>
    private static string Measurement(string runJson)
    {
        var run = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        var parameters = run["parameters"]!.AsObject().DeepClone().AsObject();
        foreach (var own in new[] { "shards", "threads", "plots" }) parameters.Remove(own);
        return new System.Text.Json.Nodes.JsonObject
        {
            ["seed"] = run["seed"]?.DeepClone(),
            ["partial"] = run["partial"]?.DeepClone(),
            ["model"] = run["model"]?.DeepClone(),
            ["parameters"] = parameters,
            ["contexts_finished"] = run["contexts_finished"]?.DeepClone(),
        }.ToJsonString();
    }

    private static void AssertOneLineExit2((int Code, string Out, string Error) result, string expected)
    {
        Assert.True(result.Code == ExitCodes.BadInput, $"exit {result.Code}: {result.Error}");
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, result.Error);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void GivenShards0And1Of2OneThroughSlurmAuto_WhenMerged_ThenEveryFileIsByteIdenticalToTheSingleRun()
    {
        Assert.True(_run.SingleRun.Code == ExitCodes.Ok, _run.SingleRun.Error);
        Assert.True(_run.Shard0Run.Code == ExitCodes.Ok, _run.Shard0Run.Error);
        Assert.True(_run.Shard1Run.Code == ExitCodes.Ok, _run.Shard1Run.Error);
        Assert.Contains("shard 1/2 (Slurm array task 2): 4 of 8 contexts", _run.Shard1Run.Error, StringComparison.Ordinal);

        var merged = Path.Combine(_run.Folder, "merged");
        var (code, output, error) = Run("icl", "merge", _run.Shard1, _run.Shard0, "--out", merged);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("8 contexts", output, StringComparison.Ordinal);

        var files = Directory.GetFiles(_run.Single).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(merged).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
        Assert.Superset(new HashSet<string> { "examples.csv", "summary.json", "fit.json", "lens.csv", "sweep.csv", "report.md", "p_correct.png", "lens.png" }, files.ToHashSet());
        foreach (var file in files.Where(f => f != "run.json"))
            Assert.True(File.ReadAllBytes(Path.Combine(_run.Single, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(merged, file))), file);
        Assert.Equal(Measurement(Path.Combine(_run.Single, "run.json")), Measurement(Path.Combine(merged, "run.json")));
        Assert.Equal(9, File.ReadAllLines(Path.Combine(merged, "examples.csv")).Select(l => l.Split(',')[0]).Distinct().Count()); // header + 8 contexts
    }

    [Fact]
    public void GivenAShardFolder_WhenRead_ThenItsRunJsonNamesTheShardAndHoldsOnlyItsContexts()
    {
        Assert.True(_run.Shard1Run.Code == ExitCodes.Ok, _run.Shard1Run.Error);
        var runJson = File.ReadAllText(Path.Combine(_run.Shard1, "run.json"));
        Assert.Contains("\"shard\": {", runJson, StringComparison.Ordinal);
        Assert.Contains("\"index\": 1,", runJson, StringComparison.Ordinal);
        Assert.Contains("\"count\": 2", runJson, StringComparison.Ordinal);
        var contexts = File.ReadAllLines(Path.Combine(_run.Shard1, "examples.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).Distinct();
        Assert.Equal([5, 6, 7, 8], contexts);
        Assert.False(File.Exists(Path.Combine(_run.Shard1, "sweep.json"))); // the sweep belongs to shard 0
        Assert.True(File.Exists(Path.Combine(_run.Shard0, "sweep.json")));
    }

    [Fact]
    public void GivenOneShardOfTwo_WhenMerged_ThenOneLineNamesTheMissingShard() =>
        AssertOneLineExit2(Run("icl", "merge", _run.Shard0, "--out", Path.Combine(_run.Folder, "m-missing")), "shard 1/2 missing");

    [Fact]
    public void GivenAShardTwice_WhenMerged_ThenOneLineNamesTheDuplicate() =>
        AssertOneLineExit2(Run("icl", "merge", _run.Shard0, _run.Copy(_run.Shard0, "dup"), _run.Shard1, "--out", Path.Combine(_run.Folder, "m-dup")), "shard 0/2 is given twice");

    [Fact]
    public void GivenAShardFolder_WhenCompared_ThenOneLineSaysToMergeFirst()
    {
        var output = Path.Combine(_run.Folder, "cmp-shard");
        AssertOneLineExit2(Run("icl", "compare", _run.Shard0, _run.Single, "--out", output), "merge the shards first (probe icl merge");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void GivenAnUnfinishedShard_WhenMerged_ThenOneLineSaysToRerunIt()
    {
        var copy = _run.Copy(_run.Shard1, "unfinished");
        File.Delete(Directory.GetFiles(Path.Combine(copy, "batches")).Single());
        AssertOneLineExit2(Run("icl", "merge", _run.Shard0, copy, "--out", Path.Combine(_run.Folder, "m-unfinished")), "is unfinished");
    }

    [Fact]
    public void GivenAShardOfAnotherSeed_WhenMerged_ThenOneLineSaysTheOptionsDiffer()
    {
        var other = Path.Combine(_run.Folder, "seed4");
        var args = _run.Args(other, "--shard", "1/2");
        args[Array.IndexOf(args, "--seed") + 1] = "4";
        Assert.Equal(ExitCodes.Ok, Run(args).Code);
        AssertOneLineExit2(Run("icl", "merge", _run.Shard0, other, "--out", Path.Combine(_run.Folder, "m-seed")), "different options");
    }

    [Fact]
    public void GivenAFolderThatIsNoShard_WhenMerged_ThenOneLineSaysSo() =>
        AssertOneLineExit2(Run("icl", "merge", _run.Shard0, _run.Single, "--out", Path.Combine(_run.Folder, "m-single")), "not an ICL shard folder");

    [Fact]
    public void GivenTheOutFolderIsAShard_WhenMerged_ThenOneLineRefuses() =>
        AssertOneLineExit2(Run("icl", "merge", _run.Shard0, _run.Shard1, "--out", _run.Shard1), "is one of the shard folders");

    [Fact]
    public async Task GivenShardAutoOutsideAnArray_WhenIclRuns_ThenOneLineAndExit2() =>
        AssertOneLineExit2(await ProbeProcess.Run(new Dictionary<string, string>(), _run.Args(Path.Combine(_run.Folder, "no-array"), "--shard", "auto")), "not inside an array job");

    [Fact]
    public async Task GivenAShardKilledMidRun_WhenRestartedAndMerged_ThenItResumesAndTheMergeEqualsTheSingleRun()
    {
        string[] Options(string output, params string[] extra) =>
            ["icl", "--task", "2x+3", "--contexts", "40", "--batch", "2", "--seed", "5", "--model", _run.Model, "--threads", "1", "--no-plots", "--out", output, .. extra];
        var shard = Path.Combine(_run.Folder, "killed");
        var fourth = Path.Combine(shard, "batches", "batch-00003.json");
        using (var process = ProbeProcess.Start(new Dictionary<string, string>(), Options(shard, "--shard", "0/1")))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            // Polled without sleeping: on a quiet machine the bundled model scores the remaining 16 batches in a few
            // milliseconds, faster than a 10 ms poll.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(fourth) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) Thread.Yield();
            var running = !process.HasExited;
            process.Kill(entireProcessTree: true); // SIGKILL: no chance to write anything more
            await process.WaitForExitAsync();
            Assert.True(running, "the shard finished before it could be killed; the test needs the kill to land mid-run");
        }
        var kept = Directory.GetFiles(Path.Combine(shard, "batches"), "batch-*.json");
        Assert.InRange(kept.Length, 4, 19);
        var first = Path.Combine(shard, "batches", "batch-00000.json");
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first, stamp);

        var restart = Run(Options(shard, "--shard", "0/1"));
        Assert.True(restart.Code == ExitCodes.Ok, restart.Error);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(first)); // kept, not scored again
        Assert.Equal(20, Directory.GetFiles(Path.Combine(shard, "batches"), "batch-*.json").Length);

        var single = Path.Combine(_run.Folder, "killed-single");
        Assert.Equal(ExitCodes.Ok, Run(Options(single)).Code);
        var merged = Path.Combine(_run.Folder, "killed-merged");
        Assert.Equal(ExitCodes.Ok, Run("icl", "merge", shard, "--out", merged, "--no-plots").Code);
        foreach (var file in new[] { "examples.csv", "lens.csv", "lens_integers.csv", "sweep.csv", "fit.json", "summary.json" })
            Assert.True(File.ReadAllBytes(Path.Combine(single, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(merged, file))), file);
    }
}
