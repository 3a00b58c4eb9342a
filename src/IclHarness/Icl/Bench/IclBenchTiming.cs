namespace Probing.IclHarness.Icl.Bench;

/// <summary>One variant of <see cref="IclBench"/>: its median time per pass and its ratio to the plain decode of the same round.</summary>
/// <param name="Seconds">Median seconds per pass over the rounds.</param>
/// <param name="Ratio">Median over the rounds of (this variant / plain decode), each ratio taken within one round.</param>
/// <param name="RatioMin">Smallest per-round ratio.</param>
/// <param name="RatioMax">Largest per-round ratio.</param>
public sealed record IclBenchTiming(double Seconds, double Ratio, double RatioMin, double RatioMax)
{
    /// <summary>Median over the rounds of this variant's process CPU time / the reference's, each ratio taken within one round.</summary>
    public double CpuRatio { get; init; } = double.NaN;
}
