using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.RealTokenizers;

/// <summary>
/// A scoring model that passes every call to <paramref name="inner"/>: test models derive from it and override only
/// what they change (the scores, a failing sweep), keeping the real tokenizer underneath.
/// </summary>
internal abstract class ScoringModelDecorator(IScoringModel inner) : IScoringModel
{
    public virtual int LayerCount => inner.LayerCount;
    public virtual int VocabSize => inner.VocabSize;
    public virtual int ContextLength => inner.ContextLength;
    public virtual int? BosToken => inner.BosToken;
    public virtual int? VocabularyBosToken => inner.VocabularyBosToken;
    public virtual int[] Tokenize(string text) => inner.Tokenize(text);
    public virtual string Piece(int token) => inner.Piece(token);
    public virtual byte[] PieceBytes(int token) => inner.PieceBytes(token);

    public virtual IReadOnlyList<EvalResult> Evaluate(IReadOnlyList<EvalRequest> requests, bool lens, CancellationToken cancellation) =>
        inner.Evaluate(requests, lens, cancellation);

    public virtual void LensLogits(ReadOnlySpan<float> residuals, int rows, float[] logits) => inner.LensLogits(residuals, rows, logits);

    public virtual IReadOnlyList<GreedyResult> GreedyFromPrefix(int[] prefix, IReadOnlyList<int[]> suffixes, int maxNewTokens, Func<int, bool> isStop,
        CancellationToken cancellation) => inner.GreedyFromPrefix(prefix, suffixes, maxNewTokens, isStop, cancellation);

    public virtual float[] CaptureResidual(int[] tokens, int layer, int position) => inner.CaptureResidual(tokens, layer, position);
    public virtual double[] EvaluatePatched(int[] tokens, ResidualPatch? patch) => inner.EvaluatePatched(tokens, patch);
    public virtual float[][] CaptureResiduals(int[] tokens, int layer, int[] positions) => inner.CaptureResiduals(tokens, layer, positions);
    public virtual IReadOnlyList<double[]> EvaluatePatchedBatch(IReadOnlyList<PatchedRequest> requests) => inner.EvaluatePatchedBatch(requests);
}
