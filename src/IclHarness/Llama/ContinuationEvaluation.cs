namespace Probing.IclHarness.Llama;

/// <summary>One continuation of a shared prefix, scored with the prefix's KV cache reused.</summary>
/// <param name="Tokens">The continuation's tokens.</param>
/// <param name="LogProbs">[m]: entry j is ln p(Tokens[j] | prefix, Tokens[..j]).</param>
/// <param name="Evaluation">The full evaluation of the continuation tokens (top-k, capture, last logits).</param>
public sealed record ContinuationEvaluation(IReadOnlyList<int> Tokens, double[] LogProbs, SequenceEvaluation Evaluation);
