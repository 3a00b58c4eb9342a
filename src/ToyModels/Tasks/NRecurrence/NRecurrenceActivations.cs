using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// One forward pass over analysis sequences, kept as plain arrays: logits, the residual stream after every block,
/// and every attention pattern. Optional hooks (e.g. head ablations) run first.
/// </summary>
/// <param name="Batch">Sequences.</param>
/// <param name="NCtx">Positions per sequence.</param>
/// <param name="Vocab">d_vocab.</param>
/// <param name="Logits">Row-major <c>[batch, pos, d_vocab]</c>.</param>
/// <param name="Residual">Per layer l: <c>blocks.l.hook_resid_post</c> row-major <c>[batch, pos, d_model]</c> (empty when not requested).</param>
/// <param name="Patterns">Per layer l: <c>blocks.l.attn.hook_pattern</c> row-major <c>[batch, head, query, key]</c> (empty when not requested).</param>
internal sealed record NRecurrenceActivations(int Batch, int NCtx, int Vocab, float[] Logits, float[][] Residual, float[][] Patterns)
{
    /// <summary>Runs <paramref name="model"/> on <paramref name="tokens"/> (<c>[batch, n_ctx]</c>) in chunks.</summary>
    public static NRecurrenceActivations Run(HookedTransformer model, long[] tokens, int batch, bool withInternals,
        params (string Name, Func<Tensor, string, Tensor?> Hook)[] hooks)
    {
        var cfg = model.Config;
        var nCtx = cfg.NCtx;
        var vocab = cfg.EffectiveDVocabOut;
        var logits = new float[batch * nCtx * vocab];
        var residual = withInternals ? Enumerable.Range(0, cfg.NLayers).Select(_ => new float[batch * nCtx * cfg.DModel]).ToArray() : [];
        var patterns = withInternals ? Enumerable.Range(0, cfg.NLayers).Select(_ => new float[batch * cfg.NHeads * nCtx * nCtx]).ToArray() : [];
        const int Chunk = 128;
        for (var start = 0; start < batch; start += Chunk)
        {
            var rows = Math.Min(Chunk, batch - start);
            using var scope = NewDisposeScope();
            var input = tensor(tokens[(start * nCtx)..((start + rows) * nCtx)], [rows, nCtx]); // [batch, pos]
            var (output, cache) = model.RunWithCache(input, name => withInternals && (name.EndsWith(".hook_resid_post", StringComparison.Ordinal) || name.EndsWith(".attn.hook_pattern", StringComparison.Ordinal)), hooks);
            using (cache)
            {
                Copy(output, logits, start * nCtx * vocab); // [batch, pos, d_vocab]
                for (var l = 0; l < residual.Length; l++)
                {
                    Copy(cache[$"blocks.{l}.hook_resid_post"], residual[l], start * nCtx * cfg.DModel); // [batch, pos, d_model]
                    Copy(cache[$"blocks.{l}.attn.hook_pattern"], patterns[l], start * cfg.NHeads * nCtx * nCtx); // [batch, head, q, k]
                }
            }
        }

        return new NRecurrenceActivations(batch, nCtx, vocab, logits, residual, patterns);
    }

    /// <summary>The softmax of the logits at sequence <paramref name="b"/>, position <paramref name="j"/>.</summary>
    public double[] Probabilities(int b, int j) => NRecurrenceScoring.Softmax(Logits, (b * NCtx + j) * Vocab, Vocab);

    private static void Copy(Tensor source, float[] destination, int offset)
    {
        var values = source.contiguous().to(ScalarType.Float32).cpu().data<float>().ToArray();
        Array.Copy(values, 0, destination, offset, values.Length);
    }
}
