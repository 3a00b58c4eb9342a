using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.RealTokenizers;

/// <summary>
/// A model that ignores its context: the real tokenizer of <paramref name="inner"/>, and for every position the
/// same distribution over the next token (log P(t) a fixed function of t). Whatever it is asked, the same
/// tokens cost the same bits, so any difference between examples with the same answer comes from what the
/// harness scores, not from the model.
/// </summary>
internal sealed class UnigramScoringModel(IScoringModel inner) : ScoringModelDecorator(inner)
{
    /// <summary>ln P(t): unnormalized but fixed, and different for neighbouring tokens such as ")" and "),".</summary>
    public static double LogProb(int token) => -1.0 - token % 97 / 10.0;

    public override IReadOnlyList<EvalResult> Evaluate(IReadOnlyList<EvalRequest> requests, bool lens, CancellationToken cancellation) =>
        requests.Select(request => new EvalResult(request.ScoredPositions.Select(pos =>
        {
            var next = request.Tokens[pos + 1];
            // Argmax: the token whose id is a multiple of 97 (highest LogProb), so greedy is never exact.
            return new PositionScore(pos, LogProb(next), 97, 1 + next % 97);
        }).ToArray(), lens ? new float[LayerCount * request.DistributionPositions.Length] : null)).ToList();

    /// <summary>The lens reads the same unigram distribution at every layer.</summary>
    public override void LensLogits(ReadOnlySpan<float> residuals, int rows, float[] logits)
    {
        for (var r = 0; r < rows; r++)
            for (var t = 0; t < VocabSize; t++) logits[(long)r * VocabSize + t] = (float)LogProb(t);
    }

    public override IReadOnlyList<GreedyResult> GreedyFromPrefix(int[] prefix, IReadOnlyList<int[]> suffixes, int maxNewTokens, Func<int, bool> isStop, CancellationToken cancellation) =>
        suffixes.Select(_ => new GreedyResult([97], [LogProb(97)])).ToList();

    public override float[] CaptureResidual(int[] tokens, int layer, int position) => throw new NotSupportedException();

    public override double[] EvaluatePatched(int[] tokens, Probing.IclHarness.Llama.ResidualPatch? patch) => throw new NotSupportedException();

    public override float[][] CaptureResiduals(int[] tokens, int layer, int[] positions) => throw new NotSupportedException();

    public override IReadOnlyList<double[]> EvaluatePatchedBatch(IReadOnlyList<PatchedRequest> requests) => throw new NotSupportedException();
}
