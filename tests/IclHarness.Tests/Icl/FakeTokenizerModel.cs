using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>
/// A tokenizer-only stand-in for pure-logic tests of answer alignment: greedy longest match over a given
/// piece list (so it can merge ", 1" like a BPE vocabulary would). It cannot evaluate anything.
/// </summary>
internal sealed class FakeTokenizerModel(params string[] pieces) : IScoringModel
{
    private readonly string[] _pieces = ["<s>", .. pieces];

    public int LayerCount => 1;

    public int VocabSize => _pieces.Length;

    public int ContextLength => 1000;

    public int? BosToken => 0;

    public int? VocabularyBosToken => 0;

    public int[] Tokenize(string text)
    {
        var tokens = new List<int> { 0 };
        var pos = 0;
        while (pos < text.Length)
        {
            var best = -1;
            for (var t = 1; t < _pieces.Length; t++)
                if (text.AsSpan(pos).StartsWith(_pieces[t]) && (best < 0 || _pieces[t].Length > _pieces[best].Length)) best = t;
            if (best < 0) throw new InvalidOperationException($"no piece for '{text[pos]}'");
            tokens.Add(best);
            pos += _pieces[best].Length;
        }
        return [.. tokens];
    }

    public string Piece(int token) => _pieces[token];

    public byte[] PieceBytes(int token) => System.Text.Encoding.UTF8.GetBytes(_pieces[token]);

    public IReadOnlyList<EvalResult> Evaluate(IReadOnlyList<EvalRequest> requests, bool lens, CancellationToken cancellation) =>
        throw new NotSupportedException();

    public void LensLogits(ReadOnlySpan<float> residuals, int rows, float[] logits) => throw new NotSupportedException();

    public IReadOnlyList<GreedyResult> GreedyFromPrefix(int[] prefix, IReadOnlyList<int[]> suffixes, int maxNewTokens, Func<int, bool> isStop, CancellationToken cancellation) =>
        throw new NotSupportedException();

    public float[] CaptureResidual(int[] tokens, int layer, int position) => throw new NotSupportedException();

    public double[] EvaluatePatched(int[] tokens, Probing.IclHarness.Llama.ResidualPatch? patch) => throw new NotSupportedException();

    public float[][] CaptureResiduals(int[] tokens, int layer, int[] positions) => throw new NotSupportedException();

    public IReadOnlyList<double[]> EvaluatePatchedBatch(IReadOnlyList<PatchedRequest> requests) => throw new NotSupportedException();
}
