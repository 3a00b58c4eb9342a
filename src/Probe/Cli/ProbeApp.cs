using System.CommandLine;

namespace Probing.Cli;

/// <summary>
/// Builds the <c>probe</c> command tree and runs it, turning every failure into one line on
/// standard error and an exit code: 2 for bad input, 1 for internal failures, never a stack trace
/// (set PROBE_DEBUG=1 to see one).
/// </summary>
public static class ProbeApp
{
    /// <summary>Parses <paramref name="args"/>, runs the chosen command, and returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl-C asks the command to stop and keep what finished; a second one kills.
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        Probing.Runs.RunRecord.CurrentCommandLine.Value = ["probe", .. args]; // recorded in every run.json
        try
        {
            var context = new CliContext(output, error, cancellation.Token);
            var root = BuildRoot(context);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                var command = parsed.CommandResult.Command;
                var path = string.Join(' ', command.Parents.OfType<Command>().Reverse().Select(c => c.Name).Append(command.Name));
                error.WriteLine($"probe: {parsed.Errors[0].Message} (see '{path} --help')");
                return ExitCodes.BadInput;
            }

            var invocation = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Ctrl-C is ours: commands get CliContext.Cancellation.
            };
            return parsed.Invoke(invocation);
        }
        catch (Exception ex)
        {
            return ReportFailure(ex, error, cancellation.IsCancellationRequested);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The root command with every command group attached.</summary>
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "probe: mechanistic-interpretability tools for in-context learning. " +
            "ICL harness on llama.cpp, TransformerLens-style toy models on TorchSharp, exact Bayesian references.");
        // Command groups, one file each under Cli/.
        root.Add(BayesCommands.Create(context));
        root.Add(ModelCommands.Create(context));
        root.Add(LensCommand.Create(context));
        root.Add(ToyCommands.Create(context));
        root.Add(BenchCommands.Create(context));
        root.Add(IclCommands.Create(context));
        return root;
    }

    /// <summary>Maps an exception to a one-line message and an exit code.</summary>
    public static int ReportFailure(Exception ex, TextWriter error, bool cancelled)
    {
        if (ex is AggregateException { InnerExceptions.Count: 1 } aggregate) ex = aggregate.InnerExceptions[0];
        if (ex is OperationCanceledException && cancelled)
        {
            error.WriteLine("probe: interrupted; finished work was kept.");
            return ExitCodes.Interrupted;
        }

        var debug = Environment.GetEnvironmentVariable("PROBE_DEBUG") == "1";
        var message = OneLine(ex.Message);
        if (IsBadInput(ex))
        {
            error.WriteLine($"probe: {message}");
            if (debug) error.WriteLine(ex);
            return ExitCodes.BadInput;
        }

        error.WriteLine($"probe: internal error ({ex.GetType().Name}): {message} (set PROBE_DEBUG=1 for details)");
        if (debug) error.WriteLine(ex);
        return ExitCodes.InternalError;
    }

    /// <summary>
    /// Libraries signal bad input with the standard exception types; anything else is a bug.
    /// </summary>
    public static bool IsBadInput(Exception ex) => ex is UsageException
        or ArgumentException
        or FormatException
        or InvalidDataException
        or FileNotFoundException
        or DirectoryNotFoundException
        or UnauthorizedAccessException
        or NotSupportedException
        or IOException;

    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
