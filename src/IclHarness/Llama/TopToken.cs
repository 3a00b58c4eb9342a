namespace Probing.IclHarness.Llama;

/// <summary>One of the k most likely next tokens: its id and natural-log probability.</summary>
public readonly record struct TopToken(int Id, double LogProb);
