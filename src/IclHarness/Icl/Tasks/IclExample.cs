namespace Probing.IclHarness.Icl.Tasks;

/// <summary>One (x, y) example of a context.</summary>
/// <param name="X">The input.</param>
/// <param name="Y">The correct answer f(x).</param>
public sealed record IclExample(long X, long Y);
