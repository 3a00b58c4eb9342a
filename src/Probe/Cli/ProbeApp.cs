using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Probing.Cli;

/// <summary>
/// Builds the <c>probe</c> command tree and runs it, turning every failure into one line on
/// standard error and an exit code: 2 for bad input, 1 for internal failures, never a stack trace
/// (set PROBE_DEBUG=1 to see one).
/// </summary>
public static partial class ProbeApp
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
        // SIGTERM (kill, a cluster scheduler's preemption) is treated like Ctrl-C: stop and keep what finished; the exit
        // code then says which signal stopped the command (143, not Ctrl-C's 130), as a shell's would.
        var terminated = false;
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            if (cancellation.IsCancellationRequested) return;
            signal.Cancel = true;
            terminated = true;
            cancellation.Cancel();
        });
        int BySignal(int code) => code == ExitCodes.Interrupted && terminated ? ExitCodes.Terminated : code;
        try
        {
            var context = new CliContext(output, error, cancellation.Token);
            var root = BuildRoot(context);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                error.WriteLine($"probe: {OneLine(ParseErrorMessage(parsed))} (see '{CommandPath(parsed.CommandResult.Command)} --help')");
                return ExitCodes.BadInput;
            }

            var invocation = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Ctrl-C is ours: commands get CliContext.Cancellation.
            };
            return BySignal(parsed.Invoke(invocation));
        }
        catch (Exception ex)
        {
            return BySignal(ReportFailure(ex, error, cancellation.IsCancellationRequested));
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
        OptionRules.Apply(root);
        return root;
    }

    // Our own option messages first (they name the flag and the fix), then an unknown word as such (the
    // parser would first say "Required command was not provided"), then the parser's first message.
    private static string ParseErrorMessage(ParseResult parsed) =>
        parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("--", StringComparison.Ordinal))?.Message
        ?? (parsed.UnmatchedTokens.Count > 0
            ? $"unknown command or option {OptionRules.Show(parsed.UnmatchedTokens[0])}"
            : parsed.Errors[0].Message);

    // "probe toy train", whatever the host process is called (dotnet, testhost, a renamed binary).
    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c is RootCommand ? "probe" : c.Name);
        if (names[0] != "probe") names.Insert(0, "probe");
        return string.Join(' ', names);
    }

    /// <summary>Maps an exception to a one-line message and an exit code.</summary>
    public static int ReportFailure(Exception ex, TextWriter error, bool cancelled)
    {
        if (ex is AggregateException { InnerExceptions.Count: 1 } aggregate) ex = aggregate.InnerExceptions[0];
        if (ex is OperationCanceledException && cancelled)
        {
            error.WriteLine("probe: interrupted before the command finished; only the files it had completed are on disk.");
            return ExitCodes.Interrupted;
        }

        var debug = Environment.GetEnvironmentVariable("PROBE_DEBUG") == "1";
        var message = OneLine(OptionFlags.Message(ex)); // a library names properties; the user reads flags
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
        or IOException
        // A native library the machine lacks (libgomp for llama.cpp): the message names it and the install command.
        or DllNotFoundException;

    /// <summary>
    /// One line for the terminal: line breaks joined, control characters (binary input echoed by a message)
    /// made visible as \uXXXX so they cannot drive the terminal, and .NET type names written as what a user types.
    /// </summary>
    internal static string OneLine(string message)
    {
        var line = string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        line = string.Concat(line.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        line = ParameterSuffix().Replace(line, "");
        line = UnmappedMember().Replace(line, " is not a known field");
        line = OfDotNetType().Replace(line, "");
        return DotNetTypeName().Replace(line, m => m.Groups["type"].Value switch
        {
            "Int32" or "Int64" or "UInt32" or "UInt64" or "Int16" or "Byte" => "an integer",
            "Double" or "Single" or "Decimal" => "a number",
            "Boolean" => "true or false",
            "String" => "a string",
            _ => "a value",
        });
    }

    // ArgumentException appends " (Parameter 'name')", a C# name the user never typed.
    [GeneratedRegex(@" \(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    // System.Text.Json's "could not be mapped to any .NET member contained in type 'Namespace.Type'".
    [GeneratedRegex(@" could not be mapped to any \.NET member contained in type '[^']*'")]
    private static partial Regex UnmappedMember();

    // "… during deserialization of type 'Probing.IclHarness.Icl.PromptTemplate'": the C# type says nothing to a user.
    [GeneratedRegex(@" of type '(?:Probing|System)\.[^']*'")]
    private static partial Regex OfDotNetType();

    [GeneratedRegex(@"(?:type )?'?System\.(?:Nullable`1\[System\.)?(?<type>Int32|Int64|UInt32|UInt64|Int16|Byte|Double|Single|Decimal|Boolean|String)\]?'?")]
    private static partial Regex DotNetTypeName();
}
