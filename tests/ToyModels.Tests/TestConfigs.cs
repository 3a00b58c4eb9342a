using Probing.ToyModels.Model;

namespace Probing.ToyModels.Tests;

/// <summary>Tiny configs shared by the tests (seconds, not minutes).</summary>
internal static class TestConfigs
{
    public static HookedTransformerConfig TwoLayerLn => new()
    {
        NLayers = 2, DModel = 8, DHead = 4, NHeads = 2, DMlp = 16, DVocab = 7, NCtx = 6,
        ActFn = "gelu", NormalizationType = "LN", Seed = 1,
    };

    public static HookedTransformerConfig AttnOnly => new()
    {
        NLayers = 1, DModel = 8, DHead = 4, NHeads = 2, DVocab = 7, NCtx = 6,
        AttnOnly = true, NormalizationType = null, Seed = 2,
    };

    public static HookedTransformerConfig LlamaStyle => new()
    {
        NLayers = 2, DModel = 8, DHead = 4, NHeads = 2, DMlp = 12, DVocab = 7, NCtx = 6,
        ActFn = "silu", NormalizationType = "RMS", PositionalEmbeddingType = "rotary", GatedMlp = true,
        UseBias = false, Seed = 3,
    };
}
