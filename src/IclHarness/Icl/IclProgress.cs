namespace Probing.IclHarness.Icl;

/// <summary>Progress of a run, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Stage">What is running ("contexts", "sweep", "patching").</param>
/// <param name="Done">Units finished.</param>
/// <param name="Total">Units in the stage.</param>
public sealed record IclProgress(string Stage, int Done, int Total);
