using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Patching;

/// <summary>Parameters of <c>probe icl patch</c>.</summary>
/// <param name="Source">The task whose prompt donates the residual (a single function).</param>
/// <param name="Target">The task whose prompt receives it (a single function).</param>
/// <param name="Template">The prompt template.</param>
/// <param name="Examples">Examples before the query in both prompts (the same x values).</param>
/// <param name="XMin">Smallest x.</param>
/// <param name="XMax">Largest x.</param>
/// <param name="Seed">Seed of the x draws.</param>
public sealed record IclPatchOptions(TaskSpec Source, TaskSpec Target, PromptTemplate Template, int Examples = 8, long XMin = 0, long XMax = 19, int Seed = 0)
{
    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the fix.</summary>
    public void Validate()
    {
        if (Source.IsFamily || Target.IsFamily) throw new ArgumentException("patching needs single functions for Source and Target, not families").Naming(nameof(Source), nameof(Target));
        if (Examples is < 1 or > IclRunOptions.MaxExamples) throw new ArgumentException($"Examples must be between 1 and {IclRunOptions.MaxExamples} (got {Examples})").Naming(nameof(Examples));
        if (XMax < XMin) throw new ArgumentException($"XMin..XMax {XMin}..{XMax} is empty; pass LO..HI with LO <= HI").Naming(IclRunOptions.XRange);
        if (ExampleSampler.CountValues(XMin, XMax) < (ulong)Examples + 2)
            throw new ArgumentException($"XMin..XMax {XMin}..{XMax} holds {ExampleSampler.CountValues(XMin, XMax)} values, too few for {Examples} examples and two distinct query x; widen XMin..XMax or lower Examples")
                .Naming(IclRunOptions.XRange, nameof(Examples));
    }
}
