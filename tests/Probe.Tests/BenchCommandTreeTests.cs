using System.CommandLine;
using Probing.Cli;

namespace Probing.Probe.Tests;

/// <summary>Each benchmark has one name: <c>probe bench NAME</c> (the ICL one used to answer to <c>probe icl bench</c> too).</summary>
public sealed class BenchCommandTreeTests
{
    private static Command Child(Command parent, string name) => Assert.Single(parent.Subcommands, c => c.Name == name);

    [Fact]
    public void GivenTheCommandTree_WhenBenchmarksAreListed_ThenEachLivesOnlyUnderBench()
    {
        var root = ProbeApp.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var bench = Child(root, "bench");
        Assert.Equal(["icl", "llama", "toy"], bench.Subcommands.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.DoesNotContain(Child(root, "icl").Subcommands, c => c.Name == "bench");
        Assert.DoesNotContain(Child(root, "toy").Subcommands, c => c.Name == "bench");
    }

    [Fact]
    public void GivenTheRetiredName_WhenIclBenchIsRun_ThenOneLineExit2()
    {
        var error = new StringWriter();
        var code = ProbeApp.Run(["icl", "bench", "--rounds", "1"], TextWriter.Null, error);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
