using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Heads;

/// <summary>The tokens whose mean logit the correct token's logit is compared with.</summary>
public enum HeadBaseline
{
    /// <summary>Every numeric token of the vocabulary (a piece that is a run of digits, optionally after '-' or spaces), minus the correct one.</summary>
    Numeric,

    /// <summary>The tokens of the integers 0..MaxInteger, minus the correct one.</summary>
    Integers,
}

/// <summary>
/// Parameters of <c>probe icl heads</c>. The contexts are those of <c>probe icl</c> with the same task, template,
/// examples, x range, seed and draw mode.
/// </summary>
/// <param name="Task">The task (a function, or a family drawn from per context).</param>
/// <param name="Template">The prompt template.</param>
/// <param name="Examples">Examples per context; each one's answer is a site.</param>
/// <param name="XMin">Smallest x.</param>
/// <param name="XMax">Largest x.</param>
/// <param name="Seed">Seed of every random draw.</param>
/// <param name="Distinct">Draw the x of a context without replacement.</param>
/// <param name="Contexts">Independent contexts.</param>
/// <param name="Baseline">The tokens the correct token's logit is compared with.</param>
/// <param name="MaxInteger">N of <see cref="HeadBaseline.Integers"/>.</param>
/// <param name="Cap">The heatmap's colour scale runs from −Cap to +Cap; 0 picks the largest |mean attribution|.</param>
/// <param name="Tolerance">The completeness bound; null: by the type of attn_output.weight (1e-4 for F32).</param>
/// <param name="Lens">Also find, with the logit lens, the first layer whose top token is numeric.</param>
/// <param name="BatchContexts">Contexts captured together in one batched decode.</param>
public sealed record IclHeadsOptions(
    TaskSpec Task,
    PromptTemplate Template,
    int Examples = 12,
    long XMin = 0,
    long XMax = 19,
    int Seed = 0,
    bool Distinct = true,
    int Contexts = 8,
    HeadBaseline Baseline = HeadBaseline.Numeric,
    int MaxInteger = 100,
    double Cap = 0,
    double? Tolerance = null,
    bool Lens = true,
    int BatchContexts = 4)
{
    /// <summary>The run options that draw the same contexts as <c>probe icl</c>.</summary>
    public IclRunOptions RunOptions => new()
    {
        Task = Task,
        Template = Template,
        Examples = Examples,
        XMin = XMin,
        XMax = XMax,
        Seed = Seed,
        Distinct = Distinct,
        Contexts = Contexts,
        SweepShots = [],
        // Heads runs no ideal learner: a small family keeps the run options' bound on it from refusing a wide task family.
        IdealFamily = TaskParser.Parse(IclRunOptions.DefaultIdealFamily),
        MaxInteger = MaxInteger,
        Lens = false,
        BatchContexts = BatchContexts,
    };

    /// <summary>Checks ranges; throws <see cref="ArgumentException"/> naming the option to fix.</summary>
    public void Validate()
    {
        RunOptions.Validate();
        if (!(Cap >= 0) || double.IsInfinity(Cap)) throw new ArgumentException($"Cap must be a finite number ≥ 0 (got {Cap})").Naming(nameof(Cap));
        if (Tolerance is { } t && !(t > 0 && t < 1)) throw new ArgumentException($"Tolerance must be in (0, 1) (got {t})").Naming(nameof(Tolerance));
    }
}
