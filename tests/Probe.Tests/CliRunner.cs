using Probing.Cli;

namespace Probing.Probe.Tests;

/// <summary>Runs the <c>probe</c> CLI in-process and captures its exit code, standard output and standard error.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ProbeApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
