using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// A TransformerLens-style transformer: every activation passes a named <see cref="HookPoint"/>
/// (<c>hook_embed</c>, <c>blocks.0.attn.hook_pattern</c>, <c>ln_final.hook_normalized</c> …), parameters
/// carry TransformerLens state-dict names and shapes (<c>embed.W_E</c>, <c>blocks.0.attn.W_Q</c> …), and
/// the same config and seed give the same weights. <see cref="forward"/> maps tokens [batch, pos] (int64)
/// to logits [batch, pos, d_vocab_out]; see also <c>Run</c>, <c>RunWithCache</c>, <c>RunWithHooks</c>.
/// </summary>
public sealed partial class HookedTransformer : nn.Module<Tensor, Tensor>
{
    // Everything is registered explicitly, in forward order; TorchSharp's reflection-based registration
    // would add property backing fields a second time under names like "<attn>k__BackingField".
    /// <summary>Does nothing: components are registered explicitly (see the comment above).</summary>
    protected override void RegisterComponents()
    {
    }

    private readonly Dictionary<string, HookPoint> _hookPoints = new(StringComparer.Ordinal);
    private readonly List<TransformerBlock> _blocks = [];

    /// <summary>Builds the model and initializes it from <c>cfg.seed</c>.</summary>
    public HookedTransformer(HookedTransformerConfig cfg) : base("HookedTransformer")
    {
        Config = (cfg ?? throw new ArgumentNullException(nameof(cfg))).Validate();
        embed = new Embed(cfg);
        register_module("embed", embed);
        hook_embed = AddHookModule("hook_embed");
        if (cfg.Pos is PosKind.Standard or PosKind.Fixed)
        {
            pos_embed = new PosEmbed(cfg);
            register_module("pos_embed", pos_embed);
            hook_pos_embed = AddHookModule("hook_pos_embed");
        }
        for (var l = 0; l < cfg.NLayers; l++) _blocks.Add(new TransformerBlock(cfg, l));
        register_module("blocks", new ModuleList<TransformerBlock>([.. _blocks]));
        if (cfg.HasFinalNorm)
        {
            ln_final = new Normalization("ln_final", cfg);
            register_module("ln_final", ln_final);
        }
        unembed = new Unembed(cfg, embed);
        register_module("unembed", unembed);

        CollectHookPoints(this, "");
        InitWeights();
    }

    /// <summary>The validated config this model was built from.</summary>
    public HookedTransformerConfig Config { get; }

    /// <summary>Token embedding.</summary>
    public Embed embed { get; }
    /// <summary>The embedding hook [batch, pos, d_model].</summary>
    public HookPoint hook_embed { get; }
    /// <summary>Positional embedding (standard and fixed positions only).</summary>
    public PosEmbed? pos_embed { get; }
    /// <summary>The positional-embedding hook [batch, pos, d_model] (standard and fixed positions only).</summary>
    public HookPoint? hook_pos_embed { get; }
    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<TransformerBlock> blocks => _blocks;
    /// <summary>The final norm (absent without normalization or with final_norm false).</summary>
    public Normalization? ln_final { get; }
    /// <summary>Unembedding.</summary>
    public Unembed unembed { get; }

    /// <summary>Every hook point by its TransformerLens name, in forward order.</summary>
    public IReadOnlyDictionary<string, HookPoint> HookPoints => _hookPoints;

    /// <summary>Every hook name in forward order.</summary>
    public IReadOnlyList<string> HookNames => [.. _hookPoints.Keys];

    /// <summary>tokens [batch, pos] (int64, 0 ≤ token &lt; d_vocab, pos ≤ n_ctx) → logits [batch, pos, d_vocab_out].</summary>
    public override Tensor forward(Tensor tokens)
    {
        CheckTokens(tokens);
        var residual = hook_embed.forward(embed.forward(tokens)); // [batch, pos, d_model]
        if (pos_embed is not null) residual = residual.Plus(hook_pos_embed!.forward(pos_embed.forward(tokens))); // [batch, pos, d_model]
        foreach (var block in _blocks) residual = block.forward(residual); // [batch, pos, d_model]
        if (ln_final is not null) residual = ln_final.forward(residual); // [batch, pos, d_model]
        return unembed.forward(residual); // [batch, pos, d_vocab_out]
    }

    /// <summary>
    /// Replaces a fixed positional embedding (positional_embedding_type "fixed"), e.g. with a zeroed or
    /// hand-made one; values [n_ctx, d_model]. It stays frozen.
    /// </summary>
    public void SetFixedPositionalEmbedding(Tensor values)
    {
        if (Config.Pos != PosKind.Fixed || pos_embed is null)
            throw new ArgumentException("SetFixedPositionalEmbedding needs positional_embedding_type \"fixed\".");
        if (!values.shape.SequenceEqual(pos_embed.W_pos.shape))
            throw new ArgumentException($"fixed positional embedding must be [{Config.NCtx}, {Config.DModel}], got [{string.Join(", ", values.shape)}].");
        using var _ = no_grad();
        pos_embed.W_pos.copy_(values);
    }

    /// <summary>Depth-first over children in registration order, which is forward order by construction.</summary>
    private void CollectHookPoints(nn.Module module, string prefix)
    {
        foreach (var (name, child) in module.named_children())
        {
            var path = prefix + name;
            if (child is HookPoint hook)
            {
                hook.Name = path;
                _hookPoints[path] = hook;
            }
            else CollectHookPoints(child, path + ".");
        }
    }

    private HookPoint AddHookModule(string name)
    {
        var hook = new HookPoint(name);
        register_module(name, hook);
        return hook;
    }

    /// <summary>TransformerLens's "gpt2" init: W_ matrices ~ N(0, init_range²) from one seeded generator
    /// in parameter order, biases 0, norm gains 1. Frozen (fixed) embeddings keep their values.</summary>
    private void InitWeights()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator((ulong)Config.Seed);
        using var std = Config.EffectiveInitRange.ToScalar();
        foreach (var (name, param) in named_parameters())
        {
            var leaf = name[(name.LastIndexOf('.') + 1)..];
            if (!leaf.StartsWith("W_", StringComparison.Ordinal) || !param.requires_grad) continue;
            param.copy_(randn(param.shape, generator: generator).mul_(std));
        }
    }

    private void CheckTokens(Tensor tokens)
    {
        if (tokens.dim() != 2)
            throw new ArgumentException($"tokens must be [batch, pos], got {tokens.dim()} dimensions; add a batch dimension with unsqueeze(0).");
        if (tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"tokens must be int64, got {tokens.dtype}; convert with .to(ScalarType.Int64).");
        var pos = tokens.shape[1];
        if (pos > Config.NCtx || pos == 0)
            throw new ArgumentException($"sequence length {pos} is outside 1..n_ctx ({Config.NCtx}); shorten the input or raise n_ctx.");
        if (tokens.numel() == 0) return;
        var (min, max) = (tokens.min().item<long>(), tokens.max().item<long>());
        if (min < 0 || max >= Config.DVocab)
            throw new ArgumentException($"token ids must be in 0..{Config.DVocab - 1} (d_vocab {Config.DVocab}), got {(min < 0 ? min : max)}.");
    }
}
