using Probing.Gguf;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Heads;

/// <summary>
/// <c>probe icl heads</c>: per-head direct logit attribution (seed 004's layer × head picture) on the contexts of
/// <c>probe icl</c>. For every example, at the position that predicts the answer's first informative token,
/// <see cref="DirectLogitAttribution"/> splits logit[correct] − mean(logit[baseline]) into the embedding, each
/// head, each b_O and each MLP; the run fails with a one-line error when the decomposition does not rebuild
/// llama.cpp's own activations within the tolerance.
/// </summary>
public static class IclHeadsRunner
{
    /// <summary>Loads <paramref name="modelPath"/> with llama.cpp and attributes every example of every context.</summary>
    /// <exception cref="NotSupportedException">The architecture is not supported, or completeness fails the tolerance.</exception>
    public static IclHeadsResult Run(string modelPath, IclHeadsOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return IclHarnessRun.Hosted(modelPath, threads, (model, identity) => Run(model, identity, options, progress, cancellation));
    }

    internal static IclHeadsResult Run(LlamaScoringModel model, ModelIdentity identity, IclHeadsOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        var runOptions = options.RunOptions;
        var plans = Enumerable.Range(0, options.Contexts).Select(c => ContextPlan.Create(model, runOptions, c)).ToList();
        var numeric = new NumericTokens(model, options.MaxInteger);
        int[] baseline = options.Baseline == HeadBaseline.Numeric
            ? Enumerable.Range(0, model.VocabSize).Where(numeric.IsNumeric).ToArray()
            : numeric.IntegerTokens.SelectMany(t => t).Distinct().Order().ToArray();
        if (baseline.Length < 2)
            throw (options.Baseline == HeadBaseline.Numeric
                ? new NotSupportedException($"the vocabulary has {Tokens(baseline.Length)} that spell a number, too few for a baseline (it needs 2); use a model whose vocabulary has numeric tokens")
                : new NotSupportedException($"the vocabulary has {Tokens(baseline.Length)} for the integers 0..{options.MaxInteger}, too few for a baseline (it needs 2); raise MaxInteger or try Baseline = Numeric")
                    .Naming("MaxInteger", "Baseline = Numeric"));
        var dla = DirectLogitAttribution.Create(model.Model, options.Tolerance);
        var lens = options.Lens ? LogitLens.Create(model.Model) : null;
        var layers = model.LayerCount;

        var sites = new List<HeadSite>();
        var heads = new List<double[][]>();
        var (embedding, bias, mlp, constant, actual) = (new List<double>(), new List<double[]>(), new List<double[]>(), new List<double>(), new List<double>());
        var numericTop = new double[layers];
        AttributionCompleteness? completeness = null;
        var finished = 0;
        var partial = false;
        progress?.Report(new IclProgress("contexts", 0, plans.Count));
        for (var start = 0; start < plans.Count; start += options.BatchContexts)
        {
            if (cancellation.IsCancellationRequested)
            {
                if (finished == 0) cancellation.ThrowIfCancellationRequested();
                partial = true;
                break;
            }
            var batch = plans.Skip(start).Take(options.BatchContexts).ToList();
            var inputs = batch.Select((p, i) => new SequenceInput(p.Tokens, i) { OutputPositions = p.Answers.Select(a => a.InformativeToken - 1).ToArray() }).ToList();
            var context = model.Context(inputs.Max(i => i.Tokens.Count), inputs.Count);
            context.ClearMemory();
            var evaluations = context.Evaluate(inputs, new EvaluationOptions { Capture = dla.Request(), AllPositions = false });
            var batchSites = new List<AttributionSite>();
            for (var i = 0; i < batch.Count; i++)
            {
                var plan = batch[i];
                for (var e = 0; e < plan.Answers.Length; e++)
                {
                    var position = plan.Answers[e].InformativeToken - 1;
                    var token = plan.Tokens[position + 1];
                    batchSites.Add(new AttributionSite(evaluations[i].Capture!, position, token, baseline));
                    sites.Add(new HeadSite(plan.Context, e + 1, plan.Examples[e].X, plan.Examples[e].Y, position, token, model.Piece(token)));
                }
                if (lens is not null) CountNumericTop(lens, numeric, evaluations[i].Capture!, inputs[i].OutputPositions!, numericTop);
            }
            var attribution = dla.Attribute(batchSites);
            for (var s = 0; s < batchSites.Count; s++)
            {
                heads.Add(attribution.HeadCounts.Select((n, l) => attribution.Heads[l].AsSpan(s * n, n).ToArray()).ToArray());
                embedding.Add(attribution.Embedding[s]);
                bias.Add(attribution.AttentionBias.AsSpan(s * layers, layers).ToArray());
                mlp.Add(attribution.Mlp.AsSpan(s * layers, layers).ToArray());
                constant.Add(attribution.Constant[s]);
                actual.Add(attribution.Actual[s]);
            }
            completeness = completeness is null ? attribution.Completeness : completeness.Max(attribution.Completeness);
            finished += batch.Count;
            progress?.Report(new IclProgress("contexts", finished, plans.Count));
        }

        var c = completeness!;
        if (!c.Passed)
            throw new NotSupportedException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"per-head attribution does not add up on this model: worst error {c.WorstError:E2} (attention {c.WorstAttentionError:E2} at layer {c.WorstAttentionLayer}, residual {c.WorstResidualError:E2}, logit {c.WorstLogitError:E2}) exceeds the tolerance {c.Tolerance:G2} for {Gguf.GgmlTypeInfo.Name(dla.OutputProjectionType)} attn_output.weight; its architecture may write attention to the residual other than as W_O·kqv_out + b_O (raise Tolerance to accept a larger error)")).Naming("Tolerance");
        var fractions = lens is null || sites.Count == 0 ? null : numericTop.Select(v => v / sites.Count).ToArray();
        return new IclHeadsResult(options, identity, sites, dla.HeadCountsPerLayer, [.. heads], [.. embedding], [.. bias], [.. mlp], [.. constant], [.. actual],
            baseline.Length, fractions, c, Gguf.GgmlTypeInfo.Name(dla.OutputProjectionType), partial);
    }

    /// <summary>Adds, per layer, how many of the positions have a numeric top token under the logit lens.</summary>
    private static void CountNumericTop(LogitLens lens, NumericTokens numeric, ResidualCapture capture, IReadOnlyList<int> positions, double[] counts)
    {
        var (layers, d, vocab) = (counts.Length, capture.EmbeddingSize, lens.VocabularySize);
        var residuals = new float[layers * positions.Count * d]; // [layer, positions, d_model]
        for (var l = 0; l < layers; l++)
            for (var i = 0; i < positions.Count; i++)
                capture.Residual(l, positions[i]).CopyTo(residuals.AsSpan((l * positions.Count + i) * d, d));
        // A block of rows at a time into one reused buffer of at most 32 MB: layers × positions × d_vocab would not fit.
        var rows = layers * positions.Count;
        if (rows == 0) return;
        var block = (int)Math.Clamp((8L << 20) / vocab, 1, rows);
        var logits = new float[(long)block * vocab]; // [block, d_vocab]
        for (var first = 0; first < rows; first += block)
        {
            var count = Math.Min(block, rows - first);
            lens.Logits(residuals.AsSpan(first * d, count * d), count, logits);
            for (var i = 0; i < count; i++)
                if (numeric.IsNumeric(LogSoftmax.ArgMax(logits.AsSpan((int)((long)i * vocab), vocab)))) counts[(first + i) / positions.Count]++;
        }
    }

    private static string Tokens(int n) => n == 1 ? "1 token" : $"{n} tokens";
}
