using Probing.Cli;

namespace Probing.Probe.Tests;

public sealed class CliErrorTests
{
    [Fact]
    public void GivenUnknownOption_WhenRun_ThenOneLineErrorAndExitCode2()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = ProbeApp.Run(["bayes", "--no-such-option"], output, error);

        Assert.Equal(ExitCodes.BadInput, code);
        var lines = error.ToString().TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.Contains("--no-such-option", lines[0]);
    }

    [Fact]
    public void GivenMissingNativeLibrary_WhenReported_ThenOneLineNamingTheInstallAndNoInternalError()
    {
        var error = new StringWriter();
        // What LlamaLibrary throws when libgomp is missing (LlamaHostTests checks that it does).
        var explained = new DllNotFoundException("llama.cpp cannot start: its libraries need libgomp.so.1 (the GNU OpenMP runtime), which this machine lacks; install it (Debian/Ubuntu: sudo apt-get install libgomp1) and run again.");

        var code = ProbeApp.ReportFailure(explained, error, cancelled: false);

        Assert.Equal(ExitCodes.BadInput, code);
        var lines = error.ToString().TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.Contains("apt-get install libgomp1", lines[0]);
        Assert.DoesNotContain("internal error", lines[0]);
    }
}
