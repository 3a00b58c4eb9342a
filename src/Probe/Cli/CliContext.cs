namespace Probing.Cli;

/// <summary>Where a command writes, and the Ctrl-C token it should honour.</summary>
/// <param name="Out">Standard output: tables, results, JSON.</param>
/// <param name="Error">Standard error: progress and error messages.</param>
/// <param name="Cancellation">Signalled on Ctrl-C; long commands stop and keep what finished.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, CancellationToken Cancellation);
