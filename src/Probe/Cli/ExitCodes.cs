namespace Probing.Cli;

/// <summary>Process exit codes shared by every <c>probe</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected failed inside the tool (a bug, or the machine).</summary>
    public const int InternalError = 1;

    /// <summary>The input was wrong: a bad option, file, model or value. The message says which and how to fix it.</summary>
    public const int BadInput = 2;

    /// <summary>The user pressed Ctrl-C (SIGINT, 128 + 2); whatever finished was kept.</summary>
    public const int Interrupted = 130;

    /// <summary>SIGTERM (kill, a scheduler's preemption: 128 + 15) stopped the command; whatever finished was kept, as for Ctrl-C.</summary>
    public const int Terminated = 143;
}
