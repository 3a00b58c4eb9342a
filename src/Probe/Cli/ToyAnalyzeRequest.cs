namespace Probing.Cli;

/// <summary>What <c>probe toy analyze</c> was asked to do.</summary>
/// <param name="Checkpoint">The checkpoint directory.</param>
/// <param name="OutDir">Output folder.</param>
/// <param name="Compare">An optional second checkpoint.</param>
/// <param name="Threads">libtorch threads (0: default).</param>
public sealed record ToyAnalyzeRequest(string Checkpoint, string OutDir, string? Compare, int Threads);
