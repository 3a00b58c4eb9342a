using Probing.Runs;

namespace Probing.Cli;

/// <summary>
/// The one table from the option names the libraries use in their messages (properties such as <c>Contexts</c>,
/// ranges such as <c>XMin..XMax</c>, see <see cref="OptionNames"/>) to the flags a user types. A library's bad-input
/// exception is shown with its names replaced, so the user reads one line naming the flag and the fix.
/// </summary>
public static class OptionFlags
{
    /// <summary>Library option name → what the user types.</summary>
    public static IReadOnlyDictionary<string, string> Table { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // ICL runs (IclRunOptions, IclPatchOptions, IclHeadsOptions, IclTaskVectorOptions) and their helpers.
        ["Task"] = "--task",
        ["Source"] = "--source",
        ["Target"] = "--target",
        ["Template"] = "--template",
        ["Examples"] = "--examples",
        ["Contexts"] = "--contexts",
        ["Queries"] = "--queries",
        ["IntoTask"] = "--into-task",
        ["Heads"] = "--heads",
        ["XMin..XMax"] = "--x-range",
        ["SweepXMin..SweepXMax"] = "--sweep-x-range",
        ["SweepShots"] = "--sweep-shots",
        ["Distinct = false"] = "--with-replacement",
        ["IdealFamily"] = "--family",
        ["Epsilon"] = "--epsilon",
        ["MaxInteger"] = "--max-integer",
        ["BatchContexts"] = "--batch",
        ["Lens = false"] = "--no-lens",
        ["Index/Count"] = "--shard",
        ["Positions"] = "--positions",
        ["Baseline = Numeric"] = "--baseline numeric",
        ["Cap"] = "--cap",
        ["Tolerance"] = "--tolerance",
        // probe lens and probe bench llama.
        ["topK"] = "--top",
        ["tokenCount"] = "--tokens",
        ["repeats"] = "--repeats",
        // Toy models (ToyRun, ToyTrainer, TorchRuntime, InitialWeights, SweepGrid).
        ["Seed"] = "--seed",
        ["Steps"] = "--steps",
        ["Device"] = "--device",
        ["InitFrom"] = "--init-from",
        ["shard/shards"] = "--shard",
    };

    /// <summary>The flag for a library option name, or null when the CLI has none.</summary>
    public static string? Flag(string optionName) => Table.GetValueOrDefault(optionName);

    /// <summary>The message of <paramref name="exception"/> with the option names it uses shown as flags.</summary>
    public static string Message(Exception exception) => OptionNames.Render(exception, Flag);

    /// <summary>
    /// A library's text that is not an exception (a warning, a result line) with the option names <paramref name="names"/>
    /// shown as flags; with no names given, every name of the table that the text uses as a whole word.
    /// </summary>
    public static string Text(string text, params string[] names) =>
        Message(new InvalidOperationException(text).Naming(names.Length > 0 ? names : [.. Table.Keys]));
}
