using Probing.ToyModels.Analysis;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks.BetaBernoulli;
using ScottPlot;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>
/// Analyses of a previous-token model (seed 003): loss and accuracy by position, attention patterns averaged
/// over a batch, how linearly each residual hook encodes the position, and the direct logit attribution of the
/// embeddings, each head and each MLP. Pure: <see cref="PreviousTokenReport"/> writes the result.
/// </summary>
public static class PreviousTokenAnalyzer
{
    /// <summary>Runs the analyses on <paramref name="batch"/> fresh sequences drawn with <paramref name="seed"/>.</summary>
    public static PreviousTokenAnalysisResult Compute(HookedTransformer model, PreviousTokenDataOptions data, int batch, int seed, IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(header);
        if (model.Config.DVocab != data.DVocab)
            throw new ArgumentException($"the model has d_vocab {model.Config.DVocab} but the previous-token data needs {data.DVocab}; analyse with the options it was trained on.");
        var n = data.NCtx;
        var (tokens, targets, mask) = PreviousTokenSampler.Sample(data, batch, new Random(seed));
        model.eval();
        using var scope = NewDisposeScope();
        var (logits, cache) = model.RunWithCache(tensor(tokens, [batch, n])); // [batch, pos, d_vocab]
        using var _ = cache;
        var metrics = PositionMetrics.Compute(logits.contiguous().data<float>().ToArray(), targets, mask, batch, n, data.DVocab);

        var heads = new List<AttentionSummary>();
        for (var l = 0; l < model.Config.NLayers; l++)
        {
            var pattern = cache[$"blocks.{l}.attn.hook_pattern"].contiguous(); // [batch, head, q, k]
            heads.AddRange(AttentionSummary.FromPatterns(l, pattern.data<float>().ToArray(), batch, model.Config.NHeads, n));
        }

        // Position probes: rows are (sequence, position ≥ 1), so BOS's own token identity cannot give it away.
        var positionR2 = new List<(string Hook, double R2)>();
        var rows = Enumerable.Range(0, batch * n).Where(i => i % n >= 1).ToArray();
        var y = rows.Select(i => (double)(i % n)).ToArray();
        foreach (var hook in cache.Keys.Where(k => k is "hook_embed" or "hook_pos_embed" || k.EndsWith("hook_resid_mid", StringComparison.Ordinal) || k.EndsWith("hook_resid_post", StringComparison.Ordinal) || k.EndsWith("hook_attn_out", StringComparison.Ordinal)))
        {
            var t = cache[hook].reshape(batch * n, -1).contiguous(); // [batch*pos, width]
            var width = (int)t.shape[1];
            var all = t.data<float>().ToArray();
            var x = new float[rows.Length * width];
            for (var r = 0; r < rows.Length; r++) Array.Copy(all, rows[r] * width, x, r * width, width);
            positionR2.Add((hook, RidgeProbe.Fit(x, width, y, 1e-3, 0.8, seed).HeldOutR2));
        }

        // Direct logit attribution to the correct token's logit minus the mean logit, through the final norm's scale.
        var (resid, residLabels) = cache.DecomposeResid(applyLn: cache.ContainsKey("ln_final.hook_scale")); // [components, batch, pos, d_model]
        var (headStack, headLabels) = cache.StackHeadResults(applyLn: cache.ContainsKey("ln_final.hook_scale")); // [heads, batch, pos, d_model]
        // The stacks are centred and divided by ln_final's scale; its gain multiplies W_U (folding by hand: the
        // gain is a per-dimension factor, its bias adds the same to every component and is left out).
        var wU = model.W_U.detach();                                          // [d_model, d_vocab]
        if (model.ln_final?.w is { } gain) wU = wU * gain.detach().unsqueeze(1); // [d_model, d_vocab]
        var centered = wU - wU.mean([1], keepdim: true);                      // [d_model, d_vocab]
        var direction = centered.t().index_select(0, tensor(targets)).reshape(batch, n, -1); // [batch, pos, d_model]
        var weights = tensor(mask, [batch, n]);                               // [batch, pos]
        var labels = residLabels.Concat(headLabels).ToArray();
        var stack = cat([resid, headStack], 0);                               // [components, batch, pos, d_model]
        var attrs = (stack * direction.unsqueeze(0)).sum(-1);                 // [components, batch, pos]
        var meanAttr = ((attrs * weights.unsqueeze(0)).sum([1, 2]) / weights.sum()).data<float>().ToArray();
        var dla = labels.Select((label, i) => (label, (double)meanAttr[i])).ToArray();

        return new PreviousTokenAnalysisResult(model.Config.PositionalEmbeddingType, metrics, heads, positionR2, dla, data, header);
    }
}
