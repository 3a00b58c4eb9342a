using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl.Scoring;

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
    /// One teacher-forced pass over all <paramref name="requests"/> (batched): per request, in request order, the
    /// next-token statistics at each of its <see cref="EvalRequest.ScoredPositions"/> and, when <paramref name="lens"/>
    /// is set, the residual after every block at each of its <see cref="EvalRequest.DistributionPositions"/> for
    /// <see cref="LensLogits"/>.
    /// </summary>
    IReadOnlyList<EvalResult> Evaluate(IReadOnlyList<EvalRequest> requests, bool lens, CancellationToken cancellation);

    /// <summary>
    /// The logit lens (final norm, then unembedding) of <paramref name="rows"/> residual rows [rows, d_model], written into
    /// the first rows × <see cref="VocabSize"/> floats of <paramref name="logits"/> ([rows, d_vocab]), so a caller reuses one buffer.
    /// </summary>
    void LensLogits(ReadOnlySpan<float> residuals, int rows, float[] logits);

    /// <summary>
    /// Evaluates <paramref name="prefix"/> once, then for each suffix continues from the cached prefix and
    /// decodes greedily until <paramref name="isStop"/> holds for a generated token or <paramref name="maxNewTokens"/>
    /// tokens were generated.
    /// </summary>
    IReadOnlyList<GreedyResult> GreedyFromPrefix(int[] prefix, IReadOnlyList<int[]> suffixes, int maxNewTokens, Func<int, bool> isStop, CancellationToken cancellation);

    /// <summary>The residual stream after block <paramref name="layer"/> (l_out-layer) at <paramref name="position"/>.</summary>
    float[] CaptureResidual(int[] tokens, int layer, int position);

    /// <summary>
    /// Teacher-forced pass over <paramref name="tokens"/>, with <paramref name="patch"/> applied when there is one;
    /// returns ln P(next token) at every position.
    /// </summary>
    double[] EvaluatePatched(int[] tokens, ResidualPatch? patch);

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
/// <param name="Patch">The residual overwritten during the pass (its sequence id is ignored), or null for an unpatched pass.</param>
/// <param name="ScoredPositions">Positions whose ln P(next token) is returned.</param>
internal sealed record PatchedRequest(int[] Tokens, ResidualPatch? Patch, int[] ScoredPositions);

/// <summary>ln P(next token), the most likely token and the next token's rank (1 = top) at one position.</summary>
/// <param name="Position">The position (its next token is the one scored).</param>
/// <param name="LogProbNext">ln P(next token).</param>
/// <param name="ArgMax">The most likely token (ties to the lowest id).</param>
/// <param name="RankNext">1 + the number of tokens more likely than the next token.</param>
internal readonly record struct PositionScore(int Position, double LogProbNext, int ArgMax, int RankNext);

/// <summary>What <see cref="IScoringModel.Evaluate"/> returns for one request.</summary>
/// <param name="Scores">One per <see cref="EvalRequest.ScoredPositions"/>, in that order.</param>
/// <param name="LensResiduals">
/// [layer, distribution position, d_model]: l_out of every block at each of <see cref="EvalRequest.DistributionPositions"/>
/// (in that order), for <see cref="IScoringModel.LensLogits"/>; null when the lens was not asked for.
/// </param>
internal sealed record EvalResult(IReadOnlyList<PositionScore> Scores, float[]? LensResiduals)
{
    /// <summary>The score at <paramref name="position"/>, which must be one of the request's scored positions.</summary>
    public PositionScore At(int position)
    {
        foreach (var score in Scores) if (score.Position == position) return score;
        throw new ArgumentException($"position {position} was not scored.", nameof(position));
    }
}

/// <summary>A sequence to evaluate, and where its next-token distributions are wanted.</summary>
/// <param name="Tokens">The tokens (BOS included when the model uses one).</param>
/// <param name="ScoredPositions">Positions whose next token is scored.</param>
/// <param name="DistributionPositions">Positions whose per-layer lens logits are reported.</param>
internal sealed record EvalRequest(int[] Tokens, int[] ScoredPositions, int[] DistributionPositions);

/// <summary>A greedy continuation: the generated tokens and the log-probability of each.</summary>
/// <param name="Tokens">Generated tokens, the stop token included when it was reached.</param>
/// <param name="LogProbs">Natural-log probability of each generated token.</param>
internal sealed record GreedyResult(int[] Tokens, double[] LogProbs);
