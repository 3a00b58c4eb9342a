using System.Text.RegularExpressions;

namespace Probing.Runs;

/// <summary>
/// Bad input names the option to fix by its property (<c>Contexts</c>, <c>XMin..XMax</c>), never by a command-line
/// flag: a library tags the exception it throws with the option names its message uses, and a front end (the
/// <c>probe</c> CLI) shows its own names for them (<c>--contexts</c>, <c>--x-range</c>). The exception keeps its
/// type (<see cref="ArgumentException"/>, <see cref="IOException"/>, …), so callers catch it as before.
/// </summary>
public static class OptionNames
{
    private const string Key = "Probing.Runs.OptionNames";

    /// <summary>
    /// Records that the message of <paramref name="exception"/> names the options <paramref name="names"/>, each as a
    /// whole word (a property such as <c>Examples</c>, or a pair such as <c>XMin..XMax</c>); returns it, to be thrown.
    /// </summary>
    public static TException Naming<TException>(this TException exception, params string[] names) where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(exception);
        exception.Data[Key] = names;
        return exception;
    }

    /// <summary>The option names the message of <paramref name="exception"/> uses (empty when it names none).</summary>
    public static IReadOnlyList<string> In(Exception exception) =>
        exception.Data[Key] as string[] ?? [];

    /// <summary>
    /// The message of <paramref name="exception"/> with each option name it uses replaced by <paramref name="shown"/>'s
    /// name for it (a name <paramref name="shown"/> returns null for stays as it is).
    /// </summary>
    public static string Render(Exception exception, Func<string, string?> shown)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(shown);
        var message = exception.Message;
        // Longest first, so that a pair (XMin..XMax) is replaced before one of its halves could be.
        foreach (var name in In(exception).OrderByDescending(n => n.Length))
        {
            if (shown(name) is not { } flag) continue;
            message = Regex.Replace(message, $@"(?<![\w.\-]){Regex.Escape(name)}(?![\w])", _ => flag);
        }
        return message;
    }
}
