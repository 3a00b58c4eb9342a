namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// One trigram (X, Y, Z): whenever X is immediately followed by Y in a sequence, the next token is Z.
/// </summary>
/// <param name="X">The first token of the prefix.</param>
/// <param name="Y">The second token of the prefix.</param>
/// <param name="Z">The forced completion.</param>
public readonly record struct TrigramTriple(int X, int Y, int Z);
