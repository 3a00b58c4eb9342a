using Probing.ToyModels.Export;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Export;

/// <summary>Every preset of every task exports to GGUF out of the box (issue #14.6), trained biases included.</summary>
public sealed class PresetExportTests
{
    public static TheoryData<string, string> Presets()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in ToyTaskRegistry.Names)
            foreach (var preset in ToyTaskRegistry.Get(name).Presets) data.Add(name, preset.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void GivenAPresetWithTrainedWeights_WhenExported_ThenAGgufDescriptionComesBack(string task, string preset)
    {
        var cfg = ToyTaskRegistry.GetPreset(ToyTaskRegistry.Get(task), preset).Run.Model;
        using var model = new HookedTransformer(cfg);
        TrainedLike(model);

        var export = GgufExporter.Describe(model, $"{task}-{preset}");

        Assert.Contains(export.Architecture, new[] { "llama", "gpt2" });
    }

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
