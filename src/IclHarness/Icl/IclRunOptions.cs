using System.Globalization;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.IclHarness.Icl;

/// <summary>Every parameter of an ICL run; all of them are written to run.json. Built with an object initializer, so each value is named.</summary>
public sealed record IclRunOptions
{
    /// <summary>The task (a function, or a family drawn from per context).</summary>
    public required TaskSpec Task { get; init; }

    /// <summary>The prompt template.</summary>
    public required PromptTemplate Template { get; init; }

    /// <summary>Examples per context (K).</summary>
    public int Examples { get; init; } = 12;

    /// <summary>Smallest x.</summary>
    public long XMin { get; init; }

    /// <summary>Largest x.</summary>
    public long XMax { get; init; } = 19;

    /// <summary>Seed of every random draw.</summary>
    public int Seed { get; init; }

    /// <summary>Draw the x of a context without replacement.</summary>
    public bool Distinct { get; init; } = true;

    /// <summary>Independent contexts (R); figures are means with 95% intervals over them.</summary>
    public int Contexts { get; init; } = 8;

    /// <summary>Context sizes k of the prediction sweep (those above K are skipped); empty: no sweep; null: <see cref="DefaultSweepShots"/>.</summary>
    public IReadOnlyList<int>? SweepShots { get; init; }

    /// <summary>Smallest final x of the sweep (null: <see cref="XMin"/>).</summary>
    public long? SweepXMin { get; init; }

    /// <summary>Largest final x of the sweep (null: <see cref="XMax"/>).</summary>
    public long? SweepXMax { get; init; }

    /// <summary>The family of the ideal discrete learner (the second reference curve); null: the task's family when it is one, else <see cref="DefaultIdealFamily"/>.</summary>
    public TaskSpec? IdealFamily { get; init; }

    /// <summary>The ideal learner's noise floor ε.</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>N of the lens's distribution over the integer tokens 0..N.</summary>
    public int MaxInteger { get; init; } = 100;

    /// <summary>Run the logit lens.</summary>
    public bool Lens { get; init; } = true;

    /// <summary>Contexts evaluated together in one batch.</summary>
    public int BatchContexts { get; init; } = 4;

    /// <summary>Most contexts in one batched decode: llama.cpp's sequence limit (LLAMA_MAX_SEQ).</summary>
    public const int MaxBatchContexts = 256;

    /// <summary>The default ideal-learner family of the issue: a·x+b, a in −5..5, b in −10..10.</summary>
    public const string DefaultIdealFamily = "ax+b, a in -5..5, b in -10..10";

    /// <summary>The default sweep context sizes (seed 004).</summary>
    public static IReadOnlyList<int> DefaultSweepShots { get; } = [0, 1, 2, 3, 5, 8];

    /// <summary>Largest <see cref="Examples"/>: ten thousand examples are ~100k tokens, beyond the context of the models this harness runs.</summary>
    public const int MaxExamples = 10_000;

    /// <summary>Largest <see cref="Contexts"/>.</summary>
    public const int MaxContexts = 1_000_000;

    /// <summary>Most members of the ideal learner's family (<see cref="EffectiveIdealFamily"/>): it evaluates every one on every example.</summary>
    public const int MaxIdealFamilyMembers = 1_000_000;

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
        // The sweep's bound applies only when a sweep runs (heads and --sweep-shots "" have none); counted without overflow.
        if (EffectiveSweepShots.Count > 0 && ExampleSampler.CountValues(SweepXMin ?? XMin, SweepXMax ?? XMax) > 1001)
            throw (SweepXMin is null && SweepXMax is null
                ? new ArgumentException("XMin..XMax spans more than 1001 values, too many final x for the prediction sweep; narrow it or pass a narrower SweepXMin..SweepXMax")
                : new ArgumentException("SweepXMin..SweepXMax spans more than 1001 values; narrow it")).Naming(XRange, SweepXRange);
        if (MaxInteger is < 0 or > 100_000) throw new ArgumentException($"MaxInteger must be in 0..100000 (got {MaxInteger})").Naming(nameof(MaxInteger));
        if (!(Epsilon >= 0 && Epsilon < 0.5)) throw new ArgumentException($"Epsilon must be in [0, 0.5) (got {Epsilon})").Naming(nameof(Epsilon));
        // One KV stream per context in a batch, and llama.cpp holds at most 256 sequences (LLAMA_MAX_SEQ).
        if (BatchContexts is < 1 or > MaxBatchContexts)
            throw new ArgumentException($"BatchContexts must be between 1 and {MaxBatchContexts} (got {BatchContexts})").Naming(nameof(BatchContexts));
        // The ideal learner enumerates its family for every context: bounded (exactly, however wide the ranges) before any member is made.
        if (EffectiveIdealFamily.MemberCount is var members && members > MaxIdealFamilyMembers)
        {
            var count = members.ToString(CultureInfo.InvariantCulture);
            throw IdealFamily is null
                ? new ArgumentException($"the ideal learner takes the task's family as its hypotheses, and Task has {count} members, more than {MaxIdealFamilyMembers}; narrow the ranges in Task, or pass a smaller family for the ideal learner with IdealFamily").Naming(nameof(Task), nameof(IdealFamily))
                : new ArgumentException($"IdealFamily has {count} members, more than {MaxIdealFamilyMembers}; narrow its ranges").Naming(nameof(IdealFamily));
        }
    }

    /// <summary>The option name of the x range, both bounds (see <see cref="OptionNames"/>).</summary>
    public const string XRange = nameof(XMin) + ".." + nameof(XMax);

    /// <summary>The option name of the sweep's x range, both bounds.</summary>
    public const string SweepXRange = nameof(SweepXMin) + ".." + nameof(SweepXMax);
}
