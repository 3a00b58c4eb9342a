using System.Diagnostics;
using Probing.Cli;
using Probing.IclHarness.Icl;

namespace Probing.Probe.Tests;

/// <summary>
/// The shipped Slurm scripts (deploy/slurm) run for real against a stand-in <c>sbatch</c> that runs each array task
/// in turn with Slurm's array variables set, as Slurm would on the nodes.
/// </summary>
public sealed class DeployScriptTests : IDisposable
{
    // A stand-in for sbatch: runs the array tasks one after another (dependencies are then met by order) and prints a job id.
    private const string FakeSbatch = """
        #!/usr/bin/env bash
        array=""; wrap=""
        while [[ "$1" == --* ]]; do case "$1" in --array=*) array="${1#--array=}";; --wrap) wrap="$2"; shift;; esac; shift; done
        if [ -n "$wrap" ]; then bash -c "$wrap" >&2 || exit 1; echo 1; exit 0; fi
        if [ -n "$array" ]; then
          lo=${array%-*}; hi=${array#*-}
          for ((i=lo; i<=hi; i++)); do
            SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=$lo SLURM_ARRAY_TASK_COUNT=$((hi-lo+1)) SLURM_CPUS_PER_TASK=1 bash "$@" >&2 || exit 1
          done
        else
          bash "$@" >&2 || exit 1
        fi
        echo 1
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "probing-deploy-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string Executable(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private async Task<(int Code, string Error)> Bash(string script, Dictionary<string, string> environment, params string[] args)
    {
        var bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        Executable(Path.Combine(bin, "sbatch"), FakeSbatch);
        var probe = Executable(Path.Combine(bin, "probe"), $"#!/bin/sh\nexec dotnet exec '{Path.Combine(AppContext.BaseDirectory, "probe.dll")}' \"$@\"");
        var start = new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir };
        foreach (var name in ProbeProcess.SchedulerVariables) start.Environment.Remove(name);
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["PROBE"] = probe;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var (code, stdout, stderr) = await ProbeProcess.RunToEnd(Process.Start(start)!);
        return (code, stdout + stderr);
    }

    private static string Deploy(string relative) =>
        BundledModel.Find(Path.Combine("deploy", relative), AppContext.BaseDirectory) ?? throw new InvalidOperationException($"deploy/{relative} is missing from the checkout");

    [Fact]
    public async Task GivenTheSlurmSubmitScript_WhenRunForTwoTasks_ThenEachMergedRunEqualsTheSingleMachineRun()
    {
        Directory.CreateDirectory(_dir);
        var model = BundledModel.Find() ?? throw new InvalidOperationException("the bundled model is missing");
        const string icl = "--contexts 4 --seed 3 --examples 6 --batch 2 --sweep-shots 0,2";
        var results = Path.Combine(_dir, "results");
        var (code, log) = await Bash(Deploy("slurm/submit-icl.sh"),
            new() { ["PROBE_MODEL"] = model, ["PROBE_ICL_ARGS"] = icl, ["SHARDS"] = "2", ["RESULTS"] = results },
            "2x+3", "ax+b, a in 1..3, b in 0..5");
        Assert.True(code == 0, log);

        foreach (var (task, folder) in new[] { ("2x+3", "2x+3"), ("ax+b, a in 1..3, b in 0..5", "ax+b__a_in_1__3__b_in_0__5") })
        {
            var single = Path.Combine(_dir, "single-" + folder);
            var run = CliRunner.Run(["icl", "--task", task, "--model", model, .. icl.Split(' '), "--threads", "1", "--out", single]);
            Assert.True(run.Code == ExitCodes.Ok, run.Error);
            var merged = Path.Combine(results, folder, "merged");
            Assert.True(Directory.Exists(Path.Combine(results, folder, "shard-1")), log);
            foreach (var file in new[] { "examples.csv", "lens.csv", "lens_integers.csv", "sweep.csv", "fit.json", "summary.json", "report.md", "p_correct.png" })
                Assert.True(File.ReadAllBytes(Path.Combine(single, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(merged, file))), $"{task}: {file}");
        }
    }

    [Fact]
    public async Task GivenTheSlurmSweepScript_WhenRunAsATwoTaskArrayAndCollected_ThenEveryPointIsInSweepCsv()
    {
        Directory.CreateDirectory(_dir);
        var grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(grid, "{\"d_model\": [8], \"n_layers\": [1], \"n_heads\": [1, 2], \"preset\": \"tiny\", \"steps\": 4, " +
            "\"config\": {\"task\": {\"eval_batch\": 8}, \"training\": {\"eval_every\": 4, \"checkpoint_every\": 4}}}");
        var output = Path.Combine(_dir, "sweep");
        var script = Path.Combine(_dir, "submit.sh");
        Executable(script, $"set -e\nsbatch --parsable --array=0-1 '{Deploy("slurm/sweep-array.sbatch")}' '{grid}' '{output}'\n\"$PROBE\" toy sweep collect '{output}'");
        var (code, log) = await Bash(script, []);
        Assert.True(code == 0, log);
        Assert.True(File.Exists(Path.Combine(output, "shard-0-of-2.jsonl")), log);
        Assert.True(File.Exists(Path.Combine(output, "shard-1-of-2.jsonl")), log);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "sweep.csv")).Length);
    }
}
