namespace Probing.IclHarness.Icl.Tasks;

/// <summary>The inclusive integer range a family parameter is drawn from.</summary>
/// <param name="Name">The parameter letter (a–d).</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record ParameterRange(char Name, long Min, long Max)
{
    /// <summary>How many values the range holds (up to 2^64, for the whole 64-bit range).</summary>
    public UInt128 Count => ExampleSampler.CountValues(Min, Max);
}
