using Probing.ToyModels.Model;
using static TorchSharp.torch;

namespace Probing.ToyModels.Analysis;

/// <summary>Adapts a <see cref="HookedTransformer"/> to <see cref="IHookedSequenceModel"/> (CPU, no gradients).</summary>
public sealed class HookedTransformerSequenceModel : IHookedSequenceModel
{
    private static readonly string[] VectorSuffixes =
        ["hook_embed", "hook_pos_embed", "hook_resid_pre", "attn.hook_z", "hook_attn_out", "hook_resid_mid", "mlp.hook_post", "hook_mlp_out", "hook_resid_post"];

    private readonly HookedTransformer _model;

    /// <summary>Wraps <paramref name="model"/>; the caller keeps ownership.</summary>
    public HookedTransformerSequenceModel(HookedTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        VectorHooks = model.HookNames.Where(n => VectorSuffixes.Any(s => n == s || n.EndsWith("." + s, StringComparison.Ordinal))).ToArray();
    }

    /// <inheritdoc />
    public int DVocab => _model.Config.EffectiveDVocabOut;

    /// <inheritdoc />
    public int NCtx => _model.Config.NCtx;

    /// <inheritdoc />
    public IReadOnlyList<string> VectorHooks { get; }

    /// <inheritdoc />
    public HookedRun Run(long[] tokens, int batch, int seqLen, IReadOnlyCollection<string> hooks)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(hooks);
        using var scope = NewDisposeScope();
        var input = tensor(tokens, [batch, seqLen]); // [batch, pos]
        var wanted = hooks.ToHashSet(StringComparer.Ordinal);
        var (logits, cache) = _model.RunWithCache(input, wanted.Contains); // logits [batch, pos, d_vocab]
        using (cache)
        {
            var acts = new Dictionary<string, HookActivation>(StringComparer.Ordinal);
            foreach (var name in wanted)
            {
                if (!cache.TryGetValue(name, out var t)) continue;
                var flat = t.reshape(batch, seqLen, -1).contiguous(); // [batch, pos, width]; hook_z folds (head, d_head)
                acts[name] = new HookActivation(flat.data<float>().ToArray(), (int)flat.shape[2]);
            }

            return new HookedRun(logits.contiguous().data<float>().ToArray(), acts);
        }
    }
}
