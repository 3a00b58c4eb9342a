using System.Globalization;

namespace Probing.Cli;

/// <summary>Entry point of the <c>probe</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns its exit code.</summary>
    public static int Main(string[] args)
    {
        // Every number the tool prints or writes (tables, progress, CSV, JSON, plot labels) is culture-invariant,
        // whatever LC_ALL says; input parsing does not rely on this (OptionRules parses invariantly itself).
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        return ProbeApp.Run(args, Console.Out, Console.Error);
    }
}
