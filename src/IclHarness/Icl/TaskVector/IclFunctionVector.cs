using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.Runs;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl.TaskVector;

/// <summary>One head of a function vector: its place and its mean direct logit attribution at the K-shot contexts' final positions.</summary>
/// <param name="Layer">Layer.</param>
/// <param name="Head">Query head within the layer.</param>
/// <param name="MeanAttribution">Mean over contexts of the head's direct logit attribution (as <c>probe icl heads</c>), in logits.</param>
public sealed record FunctionVectorHead(int Layer, int Head, double MeanAttribution);

/// <summary>
/// A function vector (Todd et al. 2024): the sum of the chosen heads' mean outputs, added to the residual (<c>l_out-L</c>)
/// at the injected position, and the heads it sums.
/// </summary>
/// <param name="Vector">Σ over <paramref name="Heads"/> of the head's mean output [d_model].</param>
/// <param name="Heads">The top-k heads by mean attribution, best first.</param>
/// <param name="Completeness">The attribution's completeness over the contexts (the ranking is only trusted when it passed).</param>
public sealed record FunctionVector(float[] Vector, IReadOnlyList<FunctionVectorHead> Heads, AttributionCompleteness Completeness);

/// <summary>
/// Per-head mean outputs over the task vector's K-shot contexts, at the position that predicts the answer's first
/// informative token: one decode per context captures <c>kqv_out-N</c> there (the heads' attention outputs before the
/// output projection); head h's mean output is its slice of <c>attn_output.weight</c> times the mean of its slice
/// (the projection is linear, so this is the mean of its outputs). Heads are ranked by <c>probe icl heads</c>'s direct
/// logit attribution at the same positions (logit of the answer's token minus the mean over the vocabulary's numeric
/// tokens), averaged over the contexts.
/// </summary>
internal sealed class IclFunctionVector
{
    private readonly DirectLogitAttribution _dla;

    private IclFunctionVector(DirectLogitAttribution dla, float[][] meanZ, double[][] meanAttribution, AttributionCompleteness completeness)
    {
        _dla = dla;
        MeanZ = meanZ;
        MeanAttribution = meanAttribution;
        Completeness = completeness;
    }

    /// <summary>Per layer, the mean <c>kqv_out</c> row over contexts [n_head·d_head].</summary>
    public float[][] MeanZ { get; }

    /// <summary>Per layer, each head's mean direct logit attribution [n_head].</summary>
    public double[][] MeanAttribution { get; }

    /// <summary>Worst completeness of the attributions over the contexts.</summary>
    public AttributionCompleteness Completeness { get; }

    /// <summary>Captures every context of <paramref name="options"/> and averages the heads' inputs and attributions.</summary>
    public static IclFunctionVector Measure(LlamaScoringModel model, IclTaskVectorOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        var dla = DirectLogitAttribution.Create(model.Model);
        var heads = dla.HeadCountsPerLayer.Sum();
        if (options.Heads > heads) throw new ArgumentException($"Heads must be between 1 and the model's {heads} heads (got {options.Heads})").Naming("Heads"); // before any decode
        var numeric = new NumericTokens(model, 100);
        var baseline = Enumerable.Range(0, model.VocabSize).Where(numeric.IsNumeric).ToArray();
        if (baseline.Length < 2) throw new NotSupportedException($"the vocabulary has {baseline.Length} numeric tokens, too few to rank heads by attribution");
        var layers = model.LayerCount;
        var sumZ = new double[layers][];
        var sumAttribution = dla.HeadCountsPerLayer.Select(n => new double[n]).ToArray();
        AttributionCompleteness? completeness = null;
        for (var c = 0; c < options.Contexts; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            var context = IclTaskVector.Context(model, options, c);
            var prefix = context.Tokens[..(context.FinalPosition + 1)];
            var llama = model.Context(prefix.Length, 1);
            llama.ClearMemory();
            var capture = llama.Evaluate([new SequenceInput(prefix, 0) { OutputPositions = [context.FinalPosition] }],
                new EvaluationOptions { Capture = dla.Request(), AllPositions = false })[0].Capture!;
            var attribution = dla.Attribute([new AttributionSite(capture, context.FinalPosition, context.Tokens[context.FinalPosition + 1], baseline)]);
            completeness = completeness is null ? attribution.Completeness : completeness.Max(attribution.Completeness);
            for (var l = 0; l < layers; l++)
            {
                var z = capture.Activation(GraphActivation.KqvOut, l, context.FinalPosition);
                sumZ[l] ??= new double[z.Length];
                for (var k = 0; k < z.Length; k++) sumZ[l][k] += z[k];
                for (var h = 0; h < sumAttribution[l].Length; h++) sumAttribution[l][h] += attribution.Heads[l][h];
            }
            progress?.Report(new IclProgress("head outputs", c + 1, options.Contexts));
        }
        var n = (double)options.Contexts;
        return new IclFunctionVector(dla, sumZ.Select(s => s.Select(v => (float)(v / n)).ToArray()).ToArray(),
            sumAttribution.Select(s => s.Select(v => v / n).ToArray()).ToArray(), completeness!);
    }

    /// <summary>The <paramref name="k"/> heads with the largest mean attribution (ties: lower layer, then lower head), best first.</summary>
    public IReadOnlyList<FunctionVectorHead> Top(int k)
    {
        var all = MeanAttribution.SelectMany((heads, l) => heads.Select((a, h) => new FunctionVectorHead(l, h, a))).ToList();
        if (k < 1 || k > all.Count) throw new ArgumentException($"Heads must be between 1 and the model's {all.Count} heads (got {k})").Naming("Heads");
        return all.OrderByDescending(x => x.MeanAttribution).ThenBy(x => x.Layer).ThenBy(x => x.Head).Take(k).ToList();
    }

    /// <summary>Σ over <paramref name="heads"/> of each head's mean output z̄_h·W_O[:, h] [d_model] (no b_O: it belongs to no head).</summary>
    public float[] Sum(IEnumerable<(int Layer, int Head)> heads)
    {
        var sum = new double[_dla.EmbeddingSize];
        foreach (var group in heads.Distinct().GroupBy(x => x.Layer).OrderBy(g => g.Key))
        {
            var results = _dla.HeadResults(group.Key, MeanZ[group.Key]); // [n_head, d_model]
            foreach (var (_, head) in group.OrderBy(x => x.Head))
                for (var k = 0; k < sum.Length; k++) sum[k] += results[head * sum.Length + k];
        }
        return sum.Select(v => (float)v).ToArray();
    }

    /// <summary>The function vector of the top <paramref name="k"/> heads.</summary>
    public FunctionVector Build(int k)
    {
        var top = Top(k);
        return new FunctionVector(Sum(top.Select(h => (h.Layer, h.Head))), top, Completeness);
    }

    /// <summary>l_out-L at <paramref name="position"/> for every layer L, from one decode of <paramref name="tokens"/>. [n_layers][d_model]</summary>
    public static float[][] ResidualsAtAllLayers(LlamaScoringModel model, int[] tokens, int position)
    {
        var llama = model.Context(tokens.Length, 1);
        llama.ClearMemory();
        var capture = llama.Evaluate([new SequenceInput(tokens, 0)], new EvaluationOptions { Capture = CaptureRequest.AllLayers(model.LayerCount, [position]) })[0].Capture!;
        return Enumerable.Range(0, model.LayerCount).Select(l => capture.Residual(l, position).ToArray()).ToArray();
    }
}
