namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>The trigram task's presets.</summary>
/// <remarks>
/// The architectures are ARENA's (and the worklog's attention-only variant). ARENA's own learning rate,
/// weight decay, step count and batch size are not published in the problem text; the ones here reach
/// trigram_frac_correct ≥ 0.95 and train_loss_as_frac ≤ 0.30 in about ten minutes on a 2-core CPU (see
/// docs/trigram.md for the measured runs and the sweep). Weight decay is what mattered: at 0.001 the model
/// stalls near 0.92 however long it trains (its trigrams get more confident instead of more numerous);
/// 0.1 spreads the capacity over more trigrams, and 0.3 or more is too strong. Batch 512 rather than 256
/// makes that hold across seeds (batch 256 left two of five seeds at 0.939). The trigram-set seed is 211, the first seed from ARENA's 40
/// whose draw has the released model's 277 trigrams (seed 40 itself draws 254), so that trigram_n_correct is
/// comparable with the worklog's 267; evaluation keeps ARENA's seed 40.
/// </remarks>
public static class TrigramPresets
{
    /// <summary>The default preset's name.</summary>
    public const string DefaultName = "arena";

    /// <summary>ARENA's model: 1 layer, 1 head, d_model 32, d_head 16, d_mlp 20, no LayerNorm; AdamW, weight decay, linear decay.</summary>
    public static TrigramPreset Arena { get; } = new(
        Name: "arena", NLayers: 1, DModel: 32, NHeads: 1, DHead: 16, DMlp: 20, AttnOnly: false,
        ActFn: "relu", NormalizationType: null,
        Lr: 1e-2, WeightDecay: 0.1, Steps: 12000, BatchSize: 512, FinalLrFraction: 0.0, EvalEvery: 250,
        Seed: 40, DatasetSeed: 211);

    /// <summary>The worklog's attention-only variant: no MLP and d_head 24, otherwise as <see cref="Arena"/>.</summary>
    public static TrigramPreset AttnOnly { get; } = Arena with { Name = "attn-only", DHead = 24, DMlp = 0, AttnOnly = true };

    /// <summary>All presets by name.</summary>
    public static IReadOnlyList<TrigramPreset> All { get; } = [Arena, AttnOnly];

    /// <summary>The preset named <paramref name="name"/> (case-insensitive).</summary>
    public static TrigramPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown trigram preset '{name}'; use one of: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
}
