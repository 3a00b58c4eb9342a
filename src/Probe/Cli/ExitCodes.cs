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

    /// <summary>The user pressed Ctrl-C; whatever finished was kept.</summary>
    public const int Interrupted = 130;
}
