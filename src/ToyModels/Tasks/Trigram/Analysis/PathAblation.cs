using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Analysis 4: how many trigram completions each path of the model predicts on its own.</summary>
/// <remarks>
/// Zero-ablation runs the model's own forward pass with <c>blocks.{l}.hook_attn_out</c> and/or
/// <c>blocks.{l}.hook_mlp_out</c> replaced by zeros in every layer; the decomposition unembeds the cached
/// outputs (summed over layers, through the final norm's cached scale when the model has one).
/// The reference counts (820 direct only, 1,004 attention only, 92 MLP only, of 5,629 occurrences for the
/// released model) come from a public solution notebook. Its "direct path" unembeds embed + pos, and its
/// "attention only" unembeds embed + pos + attn_out: our <see cref="PathAblationResult.DirectOnly"/> and
/// <see cref="PathAblationResult.AttentionOnly"/>. Its "MLP only" runs the MLP on embed + pos and unembeds the
/// MLP output alone, but then indexes the resulting [d_vocab] probabilities with the position, leaving a 0-d
/// tensor whose argmax is always 0; so its 92 counts the occurrences whose Z is token 0. Both the intended
/// and the literal value are reported, together with zero-ablation and the direct-logit decomposition.
/// </remarks>
public static class PathAblation
{
    /// <summary>Runs the ablations of <paramref name="model"/> on <paramref name="batch"/>.</summary>
    public static PathAblationResult Analyze(HookedTransformer model, TrigramBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        var c = model.Config;
        var hasMlp = !c.AttnOnly && c.DMlp > 0;
        var attnOut = Enumerable.Range(0, c.NLayers).Select(l => $"blocks.{l}.hook_attn_out").ToArray();
        var mlpOut = hasMlp ? Enumerable.Range(0, c.NLayers).Select(l => $"blocks.{l}.hook_mlp_out").ToArray() : [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var tokens = TrigramAnalysis.TokensOf(batch);                                            // [batch, pos]
        bool Cached(string name) => name.EndsWith("hook_attn_out", StringComparison.Ordinal)
            || name.EndsWith("hook_mlp_out", StringComparison.Ordinal) || name == "ln_final.hook_scale";

        var (fullLogits, full) = model.RunWithCache(tokens, Cached);                              // [batch, pos, d_vocab]
        using var fullCache = full;
        var direct = model.RunWithHooks(tokens, Zeroed([.. attnOut, .. mlpOut]));                 // [batch, pos, d_vocab]
        var attention = model.RunWithHooks(tokens, Zeroed(mlpOut));                               // [batch, pos, d_vocab]
        var (mlpLogits, mlpRun) = model.RunWithCache(tokens, Cached, Zeroed(attnOut));            // [batch, pos, d_vocab]
        using var mlpCache = mlpRun;
        var v = (int)fullLogits.shape[2];
        return new PathAblationResult(
            batch.CompletionPositions.Count,
            CorrectAtCompletions(TrigramAnalysis.ToFloats(fullLogits), batch, v),
            CorrectAtCompletions(TrigramAnalysis.ToFloats(direct), batch, v),
            CorrectAtCompletions(TrigramAnalysis.ToFloats(attention), batch, v),
            CorrectAtCompletions(TrigramAnalysis.ToFloats(mlpLogits), batch, v),
            CorrectFromComponent(model, fullCache, attnOut, batch),
            hasMlp ? CorrectFromComponent(model, fullCache, mlpOut, batch) : 0,
            hasMlp ? CorrectFromComponent(model, mlpCache, mlpOut, batch) : 0,
            batch.CompletionPositions.Count(p => batch[p.Batch, p.Position] == 0));
    }

    /// <summary>Z positions where the top-1 logit at the Y position is Z.</summary>
    /// <param name="logits">Row-major [batch, seq_len, d_vocab].</param>
    /// <param name="batch">The sequences.</param>
    /// <param name="dVocab">Vocabulary size.</param>
    public static int CorrectAtCompletions(float[] logits, TrigramBatch batch, int dVocab)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(batch);
        var correct = 0;
        foreach (var (b, z) in batch.CompletionPositions)
        {
            var row = logits.AsSpan((b * batch.SeqLen + z - 1) * dVocab, dVocab);
            var best = 0;
            for (var i = 1; i < dVocab; i++) if (row[i] > row[best]) best = i;
            if (best == batch[b, z]) correct++;
        }
        return correct;
    }

    private static (string Name, Func<Tensor, string, Tensor?> Hook)[] Zeroed(string[] names) =>
        [.. names.Select(n => (n, (Func<Tensor, string, Tensor?>)((t, _) => zeros_like(t))))];

    // The components' sum alone through the final norm's cached scale and W_U (+ b_U), in the model's precision.
    private static int CorrectFromComponent(HookedTransformer model, ActivationCache cache, string[] names, TrigramBatch batch)
    {
        using var scope = NewDisposeScope();
        var sum = cache[names[0]];                                                                // [batch, pos, d_model]
        foreach (var name in names.Skip(1)) sum = sum.Plus(cache[name]);
        var scaled = cache.ApplyLnToStack(sum.unsqueeze(0), model.Config.NLayers)[0];             // [batch, pos, d_model]
        var logits = matmul(scaled, model.W_U.detach()).Plus(model.b_U.detach());                 // [batch, pos, d_vocab]
        var v = (int)logits.shape[2];
        var values = TrigramCircuits.ToDoubles(logits);
        var correct = 0;
        foreach (var (b, z) in batch.CompletionPositions)
            if (TrigramCircuits.ArgMax(values.AsSpan((b * batch.SeqLen + z - 1) * v, v)) == batch[b, z]) correct++;
        return correct;
    }
}
