using Probing.ToyModels.Export;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Export;

/// <summary>
/// Presets and GGUF export (issue #14.6): every preset whose architecture llama.cpp has exports out of the box with
/// trained (nonzero) biases; the output bias of gpt2-style presets is folded into the final LayerNorm's bias exactly.
/// </summary>
public sealed class PresetExportTests
{
    private static IEnumerable<(string Task, ToyPreset Preset)> All() =>
        ToyTaskRegistry.Names.SelectMany(name => ToyTaskRegistry.Get(name).Presets.Select(p => (name, p)));

    public static TheoryData<string, string> ExportablePresets()
    {
        var data = new TheoryData<string, string>();
        foreach (var (task, preset) in All().Where(x => GgufExporter.Classify(x.Preset.Run.Model).Architecture is not null)) data.Add(task, preset.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExportablePresets))]
    public void GivenAPresetWithTrainedBiases_WhenExported_ThenTheLogitsOfTheExportEqualTheModels(string task, string preset)
    {
        var cfg = ToyTaskRegistry.GetPreset(ToyTaskRegistry.Get(task), preset).Run.Model;
        using var model = new HookedTransformer(cfg);
        TrainedLike(model);

        var export = GgufExporter.Describe(model, $"{task}-{preset}");

        Assert.Contains(export.Architecture, new[] { "llama", "gpt2" });
        if (export.Architecture != "gpt2") return;
        // The folded output_norm bias reproduces b_U: (β + x) W_U = β W_U + b_U.
        var bias = export.Tensors.Single(t => t.Name == "output_norm.bias").Data;
        using var scope = NewDisposeScope();
        var before = model.ln_final!.b is { } b ? b.detach() : zeros(cfg.DModel);
        var shift = tensor(bias).sub(before);                                            // [d_model]
        var reproduced = matmul(shift, model.W_U.detach());                              // [d_vocab]
        var worst = reproduced.sub(model.b_U.detach()).abs().max().item<float>();
        Assert.True(worst < 1e-4, $"{task}/{preset}: folded bias misses b_U by {worst}");
    }

    [Fact]
    public void GivenEveryPreset_WhenClassified_ThenOnlyTheseHaveNoLlamaCppArchitecture()
    {
        // Structural: no normalization or attention-only blocks have no exact llama/gpt2 form (output_norm and the
        // MLP are always applied there). A new preset that cannot be exported shows up here.
        var refused = All().Where(x => GgufExporter.Classify(x.Preset.Run.Model).Architecture is null)
            .Select(x => $"{x.Task}/{x.Preset.Name}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(Expected.SequenceEqual(refused), string.Join("; ", All().Select(x => $"{x.Task}/{x.Preset.Name}: {GgufExporter.Classify(x.Preset.Run.Model).Reason}")));
    }

    private static readonly string[] Expected = ["beta-bernoulli/bottleneck", "beta-bernoulli/tiny", "trigram/arena", "trigram/attn-only"];

    // Every trainable parameter moved off its initial value (biases start at zero; training makes them nonzero);
    // frozen ones (use_bias false, fixed positions) stay as they are, as in training.
    private static void TrainedLike(HookedTransformer model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = new Generator(7);
        foreach (var (_, p) in model.named_parameters())
            if (p.requires_grad) p.add_(randn(p.shape, generator: g).mul_(Step));
    }

    private static readonly TorchSharp.Scalar Step = 0.05;
}
