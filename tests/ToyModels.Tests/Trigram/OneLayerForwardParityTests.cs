using Probing.ToyModels.Model;
using Probing.ToyModels.Tests.Trigram.Reference;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Trigram;

/// <summary>The plain-C# reference forward pass (the analyses' former engine, kept as an oracle) must compute what the TorchSharp model computes.</summary>
public sealed class OneLayerForwardParityTests
{
    [Theory]
    [InlineData(false, "relu")]
    [InlineData(false, "gelu_new")]
    [InlineData(true, "relu")]
    public void GivenRandomTrigramShapedModel_WhenBothForwardsRun_ThenLogitsAndPatternsAgree(bool attnOnly, string actFn)
    {
        var cfg = new HookedTransformerConfig
        {
            NLayers = 1, NHeads = 1, DModel = 8, DHead = 4, DMlp = attnOnly ? 0 : 6, DVocab = 7, NCtx = 10,
            ActFn = actFn, NormalizationType = null, AttnOnly = attnOnly, Seed = 5,
        };
        using var model = new HookedTransformer(cfg);
        using (no_grad())
        {
            // Larger than the init scale, so that attention is far from uniform and the MLP is non-linear.
            foreach (var p in model.parameters()) p.mul_(tensor(4f));
        }
        var rng = new Random(3);
        var tokens = Enumerable.Range(0, 3 * 10).Select(_ => rng.Next(7)).ToArray();
        float[] reference;
        float[] pattern;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var input = tensor(tokens.Select(t => (long)t).ToArray(), [3, 10]);
            var (logits, cache) = model.RunWithCache(input);
            reference = logits.contiguous().data<float>().ToArray();
            pattern = cache["blocks.0.attn.hook_pattern"].contiguous().data<float>().ToArray();
        }
        var ours = OneLayerForward.Run(OneLayerWeightsOf.From(model), tokens, 3, 10);
        Assert.Equal(reference.Length, ours.Logits.Length);
        for (var i = 0; i < reference.Length; i++) Assert.True(Math.Abs(reference[i] - ours.Logits[i]) < 1e-3, $"logit {i}: {reference[i]} vs {ours.Logits[i]}");
        for (var i = 0; i < pattern.Length; i++) Assert.True(Math.Abs(pattern[i] - ours.Pattern[i]) < 1e-4, $"pattern {i}");
        Assert.True(reference.Select(Math.Abs).Max() > 0.5);
    }
}
