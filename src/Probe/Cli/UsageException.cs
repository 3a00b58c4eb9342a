namespace Probing.Cli;

/// <summary>
/// Bad input detected by the command line itself. Its message is printed as one line and the
/// process exits with <see cref="ExitCodes.BadInput"/>.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
