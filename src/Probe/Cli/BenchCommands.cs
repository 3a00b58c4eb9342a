using System.CommandLine;

namespace Probing.Cli;

/// <summary><c>probe bench …</c>: speed measurements, each reported as ratios within one run.</summary>
public static class BenchCommands
{
    /// <summary>Builds the <c>bench</c> command group.</summary>
    public static Command Create(CliContext context)
    {
        var bench = new Command("bench", "Speed measurements (reported as ratios to references measured in the same run).");
        bench.Add(BenchToyCommand.Create(context));
        return bench;
    }
}
