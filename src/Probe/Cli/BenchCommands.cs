using System.CommandLine;

namespace Probing.Cli;

/// <summary><c>probe bench …</c>: speed measurements, each reported as a ratio to a reference measured in the same run.</summary>
public static class BenchCommands
{
    /// <summary>Builds the <c>bench</c> command group.</summary>
    public static Command Create(CliContext context)
    {
        var bench = new Command("bench", "Speed benchmarks; every figure is a ratio to a reference measured in the same run.");
        bench.Add(BenchLlamaCommand.Create(context));
        bench.Add(BenchToyCommand.Create(context));
        bench.Add(IclBenchCommand.Create(context));
        return bench;
    }
}
