namespace Probing.ToyModels.Tasks;

/// <summary>
/// Every task <c>probe toy</c> knows, by name. A new task adds one line to <see cref="All"/>.
/// </summary>
public static class ToyTaskRegistry
{
    /// <summary>The registered tasks in display order.</summary>
    public static IReadOnlyList<IToyTask> All { get; } =
    [
        new CopyTask(),
        new BetaBernoulli.BetaBernoulliTask(),
        new PreviousToken.PreviousTokenTask(),
        new Trigram.TrigramTask(),
        new NRecurrence.NRecurrenceTask(),
        new IclLinear.IclLinearTask(),
    ];

    /// <summary>The registered tasks that have analyses (<see cref="IToyTask.Analysis"/>).</summary>
    public static IEnumerable<IToyTask> WithAnalyses => All.Where(t => t.Analysis is not null);

    /// <summary>The registered task names.</summary>
    public static IEnumerable<string> Names => All.Select(t => t.Name);

    /// <summary>The task called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such task; the message lists the known ones.</exception>
    public static IToyTask Get(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown task '{name}'; known tasks: {string.Join(", ", Names)}.");

    /// <summary>
    /// The preset called <paramref name="name"/> of <paramref name="task"/>, or its default (first)
    /// preset when <paramref name="name"/> is null.
    /// </summary>
    /// <exception cref="ArgumentException">No such preset; the message lists the task's presets.</exception>
    public static ToyPreset GetPreset(IToyTask task, string? name)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (name is null) return task.Presets[0];
        return task.Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Task '{task.Name}' has no preset '{name}'; its presets: {string.Join(", ", task.Presets.Select(p => p.Name))}.");
    }
}
