using Probing.Gguf;

namespace Probing.IclHarness.Llama.Preflight;

/// <summary>One class of metadata llama.cpp aborts on.</summary>
/// <param name="Name">Short name of the case.</param>
/// <param name="Tokenizer">The tokenizer kind of the model it edits (<see cref="TinyVocabulary.Kinds"/>).</param>
/// <param name="Expected">Text the one-line refusal must contain (the key it names).</param>
/// <param name="Abort">Where llama.cpp aborts without the preflight.</param>
public sealed record GgufAbortCase(string Name, string Tokenizer, string Expected, string Abort);
