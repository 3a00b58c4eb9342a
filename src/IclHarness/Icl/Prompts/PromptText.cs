namespace Probing.IclHarness.Icl.Prompts;

/// <summary>A prompt as text, with the character span of every scored answer.</summary>
/// <param name="Text">The whole prompt.</param>
/// <param name="AnswerStarts">Per example, the character offset where the answer (answer prefix + y) starts.</param>
/// <param name="AnswerEnds">Per example, the character offset where y ends and the closing text starts.</param>
public sealed record PromptText(string Text, IReadOnlyList<int> AnswerStarts, IReadOnlyList<int> AnswerEnds);
