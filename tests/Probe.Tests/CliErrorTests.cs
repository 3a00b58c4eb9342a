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
}
