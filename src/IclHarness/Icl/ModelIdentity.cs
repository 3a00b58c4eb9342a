namespace Probing.IclHarness.Icl;

/// <summary>Which model a run used.</summary>
/// <param name="Path">The GGUF file as given.</param>
/// <param name="Sha256">Lower-case hex sha256 of the file.</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="VocabSize">Vocabulary size.</param>
/// <param name="ContextLength">Context length used.</param>
public sealed record ModelIdentity(string Path, string Sha256, int Layers, int VocabSize, int ContextLength);
