using Probing.ToyModels.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Model;

internal static class ModelTestHelpers
{
    /// <summary>Gives every parameter (biases and norm gains too) a random value, so folds and circuits are tested in general.</summary>
    public static void RandomizeAll(HookedTransformer model, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = new Generator(seed);
        foreach (var (name, p) in model.named_parameters())
        {
            var leaf = name[(name.LastIndexOf('.') + 1)..];
            if (leaf == "W_pos" && !p.requires_grad) continue;
            var r = randn(p.shape, generator: g) * 0.3;
            p.copy_(leaf == "w" ? r + 1.0 : r);
        }
    }

    public static Tensor Tokens(long batch, long pos, long vocab, ulong seed) =>
        randint(0, vocab, [batch, pos], dtype: ScalarType.Int64, generator: new Generator(seed));

    public static void AssertClose(Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        var maxDiff = (expected - actual).abs().max().item<float>();
        Assert.True(actual.allclose(expected, rtol, atol), $"max |diff| = {maxDiff}");
    }
}
