using System.Diagnostics;

namespace Probing.Probe.Tests;

/// <summary>Runs the probe CLI as a real process (<c>dotnet exec probe.dll</c>) with a controlled scheduler environment.</summary>
internal static class ProbeProcess
{
    /// <summary>Scheduler variables removed from the child's environment unless the test sets them: the test may itself run inside an array job.</summary>
    internal static readonly string[] SchedulerVariables =
    [
        "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",
        "JOB_COMPLETION_INDEX", "PROBE_SHARD_INDEX", "PROBE_SHARD_COUNT",
    ];

    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "probe.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in SchedulerVariables) start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs to the end (killed after 5 minutes: a hang fails the test instead of stalling the suite).</summary>
    public static Task<(int Code, string Out, string Error)> Run(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunToEnd(Start(environment, args));

    /// <summary>Waits for a started process with redirected output (killed after 5 minutes), then disposes it.</summary>
    public static async Task<(int Code, string Out, string Error)> RunToEnd(Process started)
    {
        using var process = started;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var hang = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            try { await process.WaitForExitAsync(hang.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
