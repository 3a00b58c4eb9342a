using Probing.Runs;

namespace Probing.IclHarness.Icl;

/// <summary>Every parameter of an ICL run; all of them are written to run.json.</summary>
/// <param name="Task">The task (a function, or a family drawn from per context).</param>
/// <param name="Template">The prompt template.</param>
/// <param name="Examples">Examples per context (K).</param>
/// <param name="XMin">Smallest x.</param>
/// <param name="XMax">Largest x.</param>
/// <param name="Seed">Seed of every random draw.</param>
/// <param name="Distinct">Draw the x of a context without replacement.</param>
/// <param name="Contexts">Independent contexts (R); figures are means with 95% intervals over them.</param>
/// <param name="SweepShots">Context sizes k of the prediction sweep (those above K are skipped); empty: no sweep.</param>
/// <param name="SweepXMin">Smallest final x of the sweep.</param>
/// <param name="SweepXMax">Largest final x of the sweep.</param>
/// <param name="IdealFamily">The family of the ideal discrete learner (the second reference curve); null: the task's family when it is one, else <see cref="DefaultIdealFamily"/>.</param>
/// <param name="Epsilon">The ideal learner's noise floor ε.</param>
/// <param name="MaxInteger">N of the lens's distribution over the integer tokens 0..N.</param>
/// <param name="Lens">Run the logit lens.</param>
/// <param name="BatchContexts">Contexts evaluated together in one batch.</param>
public sealed record IclRunOptions(
    TaskSpec Task,
    PromptTemplate Template,
    int Examples = 12,
    long XMin = 0,
    long XMax = 19,
    int Seed = 0,
    bool Distinct = true,
    int Contexts = 8,
    IReadOnlyList<int>? SweepShots = null,
    long? SweepXMin = null,
    long? SweepXMax = null,
    TaskSpec? IdealFamily = null,
    double Epsilon = 1e-6,
    int MaxInteger = 100,
    bool Lens = true,
    int BatchContexts = 4)
{
    /// <summary>The default ideal-learner family of the issue: a·x+b, a in −5..5, b in −10..10.</summary>
    public const string DefaultIdealFamily = "ax+b, a in -5..5, b in -10..10";

    /// <summary>The default sweep context sizes (seed 004).</summary>
    public static IReadOnlyList<int> DefaultSweepShots { get; } = [0, 1, 2, 3, 5, 8];

    /// <summary>Largest <see cref="Examples"/>: ten thousand examples are ~100k tokens, beyond the context of the models this harness runs.</summary>
    public const int MaxExamples = 10_000;

    /// <summary>Largest <see cref="Contexts"/>.</summary>
    public const int MaxContexts = 1_000_000;

    /// <summary>Largest contexts × examples, the number of measured examples kept in memory.</summary>
    public const long MaxExampleRows = 10_000_000;

    /// <summary>The ideal family in effect: the one given, else the task's own family, else <see cref="DefaultIdealFamily"/>.</summary>
    public TaskSpec EffectiveIdealFamily => IdealFamily ?? (Task.IsFamily ? Task : TaskParser.Parse(DefaultIdealFamily));

    /// <summary>The sweep sizes in effect (k ≤ K).</summary>
    public IReadOnlyList<int> EffectiveSweepShots => (SweepShots ?? DefaultSweepShots).Where(k => k >= 0 && k <= Examples).Distinct().Order().ToList();

    /// <summary>
    /// Checks ranges; throws <see cref="ArgumentException"/> naming the property to fix (see <see cref="OptionNames"/>).
    /// The harness's entry points (<see cref="IclHarnessRun"/>) call it once, before a model is loaded.
    /// </summary>
    public void Validate()
    {
        if (Examples < 1) throw new ArgumentException($"Examples must be at least 1 (got {Examples})").Naming(nameof(Examples));
        if (Contexts < 1) throw new ArgumentException($"Contexts must be at least 1 (got {Contexts})").Naming(nameof(Contexts));
        // Bounded before anything is allocated: every example of every context keeps a row of measurements.
        if (Examples > MaxExamples) throw new ArgumentException($"Examples must be at most {MaxExamples} (got {Examples}); a longer prompt exceeds any model's context").Naming(nameof(Examples));
        if (Contexts > MaxContexts) throw new ArgumentException($"Contexts must be at most {MaxContexts} (got {Contexts}); split the run into several seeds").Naming(nameof(Contexts));
        if ((long)Contexts * Examples > MaxExampleRows)
            throw new ArgumentException($"Contexts × Examples must be at most {MaxExampleRows} (got {(long)Contexts * Examples}); lower Contexts").Naming(nameof(Contexts), nameof(Examples));
        if (XMax < XMin) throw new ArgumentException($"XMin..XMax {XMin}..{XMax} is empty").Naming(XRange);
        if ((SweepXMax ?? XMax) < (SweepXMin ?? XMin)) throw new ArgumentException("SweepXMin..SweepXMax is empty").Naming(SweepXRange);
        if ((SweepXMax ?? XMax) - (SweepXMin ?? XMin) > 1000)
            throw (SweepXMin is null && SweepXMax is null
                ? new ArgumentException("XMin..XMax spans more than 1001 values, too many final x for the prediction sweep; narrow it or pass a narrower SweepXMin..SweepXMax")
                : new ArgumentException("SweepXMin..SweepXMax spans more than 1001 values; narrow it")).Naming(XRange, SweepXRange);
        if (MaxInteger is < 0 or > 100_000) throw new ArgumentException($"MaxInteger must be in 0..100000 (got {MaxInteger})").Naming(nameof(MaxInteger));
        if (!(Epsilon >= 0 && Epsilon < 0.5)) throw new ArgumentException($"Epsilon must be in [0, 0.5) (got {Epsilon})").Naming(nameof(Epsilon));
        if (BatchContexts < 1) throw new ArgumentException($"BatchContexts must be at least 1 (got {BatchContexts})").Naming(nameof(BatchContexts));
        if (EffectiveIdealFamily.MemberCount > 1_000_000) throw new ArgumentException("IdealFamily has more than a million members; narrow its ranges").Naming(nameof(IdealFamily));
    }

    /// <summary>The option name of the x range, both bounds (see <see cref="OptionNames"/>).</summary>
    public const string XRange = nameof(XMin) + ".." + nameof(XMax);

    /// <summary>The option name of the sweep's x range, both bounds.</summary>
    public const string SweepXRange = nameof(SweepXMin) + ".." + nameof(SweepXMax);
}
