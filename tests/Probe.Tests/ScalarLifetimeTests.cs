using System.Diagnostics;

namespace Probing.Probe.Tests;

/// <summary>
/// TorchSharp 0.107 frees an implicit Scalar temporary in its finalizer, possibly while the native call
/// that read its handle still uses it ("toFloat" / "Unknown scalar type" in THSTensor_add). The GC timing
/// must be set at process start, so the built probe runs as a child process with a startup hook that
/// forces collections and finalizers continuously; before the fix this training crashed within a few
/// hundred steps (in the model's Tensor + Tensor and in TorchSharp's own AdamW.step).
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Fact]
    public async Task GivenConstantGarbageCollections_WhenTrainingTheCopyTask_ThenTheProcessExitsCleanly()
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "probe.dll");
        var hook = typeof(ScalarLifetimeTests).Assembly.Location;
        var run = Path.Combine(Path.GetTempPath(), $"scalar-gc-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet", ["exec", probe, "toy", "train", "--task", "copy", "--steps", "300",
            "--threads", "1", "--out", run])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_STARTUP_HOOKS"] = hook;
        try
        {
            var (code, stdout, error) = await ProbeProcess.RunToEnd(Process.Start(start)!);
            Assert.Contains(StartupHook.Banner, error);
            Assert.True(code == 0, $"exit {code}: {error}");
            Assert.Contains("Trained 300 steps", stdout);
        }
        finally
        {
            if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
        }
    }
}
