namespace Probing.IclHarness.Icl;

/// <summary>
/// What the harness needs from a language model: tokenization, one teacher-forced pass over many sequences
/// (logits at chosen positions, and the logit lens per layer), greedy continuations that share a prefix's
/// KV cache, and residual patching. <c>LlamaScoringModel</c> implements it on llama.cpp; unit tests of
/// pure harness logic use a fake.
/// </summary>
internal interface IScoringModel
{
    /// <summary>Number of transformer blocks (lens layers are 0..LayerCount−1, the residual after each block).</summary>
    int LayerCount { get; }

    /// <summary>Vocabulary size (length of every logits span).</summary>
    int VocabSize { get; }

    /// <summary>The longest sequence the model accepts, in tokens.</summary>
    int ContextLength { get; }

    /// <summary>Tokens of <paramref name="text"/>, with the model's BOS token in front when it uses one.</summary>
    int[] Tokenize(string text);

    /// <summary>The begin-of-sequence token <see cref="Tokenize"/> puts in front, or null when the model uses none.</summary>
    int? BosToken { get; }

    /// <summary>
    /// The vocabulary's begin-of-sequence token even where the tokenizer does not add it (GPT-2's and Qwen2's
    /// <c>&lt;|endoftext|&gt;</c>), or null when the vocabulary has none. Zero-shot prompts start with it.
    /// </summary>
    int? VocabularyBosToken { get; }

    /// <summary>The text of one token.</summary>
    string Piece(int token);

    /// <summary>The UTF-8 bytes of one token: a byte token or part of a multi-byte character is not text on its own.</summary>
    byte[] PieceBytes(int token);

    /// <summary>
    /// One teacher-forced pass over all <paramref name="requests"/> (batched). Calls <paramref name="onToken"/>
    /// (request, position, ln P(next token), argmax, rank of the next token) for every position in
    /// <see cref="EvalRequest.ScoredPositions"/> and, when given, <paramref name="onLens"/> (request, layer, position,
    /// logits[VocabSize]) for every position in <see cref="EvalRequest.DistributionPositions"/>.
    /// Spans are only valid during the call.
    /// </summary>
    void Evaluate(IReadOnlyList<EvalRequest> requests, TokenSink onToken, LensSink? onLens, CancellationToken cancellation);

    /// <summary>
    /// Evaluates <paramref name="prefix"/> once, then for each suffix continues from the cached prefix and
    /// decodes greedily until <paramref name="isStop"/> holds for a generated token or <paramref name="maxNewTokens"/>
    /// tokens were generated.
    /// </summary>
    IReadOnlyList<GreedyResult> GreedyFromPrefix(int[] prefix, IReadOnlyList<int[]> suffixes, int maxNewTokens, Func<int, bool> isStop, CancellationToken cancellation);

    /// <summary>The residual stream after block <paramref name="layer"/> (l_out-layer) at <paramref name="position"/>.</summary>
    float[] CaptureResidual(int[] tokens, int layer, int position);

    /// <summary>
    /// Teacher-forced pass over <paramref name="tokens"/> with the residual after block <paramref name="layer"/> at
    /// <paramref name="patchPosition"/> replaced by <paramref name="residual"/>; returns ln P(next token) at every position.
    /// </summary>
    double[] EvaluatePatched(int[] tokens, int layer, int patchPosition, float[] residual);

    /// <summary>The residual after block <paramref name="layer"/> at each of <paramref name="positions"/>, from one decode of <paramref name="tokens"/>.</summary>
    float[][] CaptureResiduals(int[] tokens, int layer, int[] positions);

    /// <summary>
    /// Each request's teacher-forced pass with its own patch, all as sequences of one batched decode (each sequence in its
    /// own KV stream, so the numbers are those of <see cref="EvaluatePatched"/> on each alone). Returns, per request,
    /// ln P(next token) at its <see cref="PatchedRequest.ScoredPositions"/>, in their order.
    /// </summary>
    IReadOnlyList<double[]> EvaluatePatchedBatch(IReadOnlyList<PatchedRequest> requests);
}

/// <summary>One sequence of <see cref="IScoringModel.EvaluatePatchedBatch"/>.</summary>
/// <param name="Tokens">The tokens.</param>
/// <param name="Layer">The block whose output (l_out-Layer) is patched.</param>
/// <param name="PatchPosition">The patched position.</param>
/// <param name="Residual">The residual written there (n_embd floats); empty for an unpatched pass.</param>
/// <param name="ScoredPositions">Positions whose ln P(next token) is returned.</param>
internal sealed record PatchedRequest(int[] Tokens, int Layer, int PatchPosition, float[] Residual, int[] ScoredPositions);

/// <summary>Receives ln P(next token), the most likely token and the next token's rank (1 = top) at one position of one request.</summary>
internal delegate void TokenSink(int request, int position, double logProbNext, int argMax, int rankNext);

/// <summary>Receives the logit-lens logits at one layer and position of one request.</summary>
internal delegate void LensSink(int request, int layer, int position, ReadOnlySpan<float> logits);

/// <summary>A sequence to evaluate, and where its next-token distributions are wanted.</summary>
/// <param name="Tokens">The tokens (BOS included when the model uses one).</param>
/// <param name="ScoredPositions">Positions whose next token is scored.</param>
/// <param name="DistributionPositions">Positions whose per-layer lens logits are reported.</param>
internal sealed record EvalRequest(int[] Tokens, int[] ScoredPositions, int[] DistributionPositions);

/// <summary>A greedy continuation: the generated tokens and the log-probability of each.</summary>
/// <param name="Tokens">Generated tokens, the stop token included when it was reached.</param>
/// <param name="LogProbs">Natural-log probability of each generated token.</param>
internal sealed record GreedyResult(int[] Tokens, double[] LogProbs);
