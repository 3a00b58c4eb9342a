using Probing.Gguf;
using Probing.ToyModels.Export;
using Probing.ToyModels.Tasks;

namespace Probing.Probe.Tests;

/// <summary>ToyModels spells the SPM marker and token type itself (it never references IclHarness); they must be the reader's.</summary>
public sealed class GgufTokenizerConstantsTests
{
    [Fact]
    public void GivenToyTokenizerMetadata_WhenComparedWithIclHarnessSpm_ThenMarkerAndTokenTypeAgree()
    {
        var meta = GgufTokenizerMetadata.For(new ToyTokenizer(["x y"])).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(SpmCharVocabulary.SpaceMarker, GgufTokenizerMetadata.SpaceMarker);
        Assert.Equal($"x{SpmCharVocabulary.SpaceMarker}y", Assert.Single((string[])meta["tokenizer.ggml.tokens"]));
        Assert.Equal((int)SpmTokenType.Normal, Assert.Single((int[])meta["tokenizer.ggml.token_type"]));
    }
}
