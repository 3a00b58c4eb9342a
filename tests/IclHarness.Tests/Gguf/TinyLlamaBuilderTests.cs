using Probing.Gguf;

namespace Probing.IclHarness.Tests.Gguf;

public sealed class TinyLlamaBuilderTests
{
    [Fact]
    public void GivenSameSeed_WhenBuiltTwice_ThenIdenticalBytes_AndAnotherSeedDiffers()
    {
        var config = GgufTestFiles.SmallModel;
        Assert.Equal(TinyLlamaBuilder.Build(config).ToArray(), TinyLlamaBuilder.Build(config).ToArray());
        Assert.NotEqual(TinyLlamaBuilder.Build(config).ToArray(), TinyLlamaBuilder.Build(config with { Seed = 8 }).ToArray());
    }

    [Theory]
    [InlineData(GgmlType.F32, false)]
    [InlineData(GgmlType.F16, true)]
    [InlineData(GgmlType.Q8_0, false)]
    public void GivenConfig_WhenBuilt_ThenLlamaMetadataAndTensorShapesInGgufOrder(GgmlType type, bool tied)
    {
        var config = new TinyLlamaConfig(NLayer: 2, NEmbd: 64, NHead: 4, NHeadKv: 2, NFf: 96, NCtx: 128, TensorType: type, TiedEmbeddings: tied);
        using var file = GgufReader.Parse(TinyLlamaBuilder.Build(config).ToArray());
        var nVocab = TinyLlamaBuilder.Vocabulary(config).Count;

        Assert.Equal("llama", file.Architecture);
        Assert.Equal(2u, file.GetUInt32("llama.block_count"));
        Assert.Equal(64u, file.GetUInt32("llama.embedding_length"));
        Assert.Equal(96u, file.GetUInt32("llama.feed_forward_length"));
        Assert.Equal(4u, file.GetUInt32("llama.attention.head_count"));
        Assert.Equal(2u, file.GetUInt32("llama.attention.head_count_kv"));
        Assert.Equal(16u, file.GetUInt32("llama.rope.dimension_count"));
        Assert.Equal(128u, file.GetUInt32("llama.context_length"));
        Assert.Equal((uint)nVocab, file.GetUInt32("llama.vocab_size"));
        Assert.Equal(1e-5f, file.GetFloat32("llama.attention.layer_norm_rms_epsilon"));
        Assert.Equal([64L, nVocab], file.GetTensor("token_embd.weight").Dimensions);
        Assert.Equal([64L, 32], file.GetTensor("blk.1.attn_k.weight").Dimensions);
        Assert.Equal([96L, 64], file.GetTensor("blk.0.ffn_down.weight").Dimensions);
        Assert.Equal(tied, file.FindTensor("output.weight") is null);
        Assert.Equal(2 + 9 * 2 + (tied ? 0 : 1), file.Tensors.Count);
        Assert.All(file.Tensors, t => Assert.Equal(t.Dimensions.Count == 1 ? GgmlType.F32 : type, t.Type));
    }

    [Fact]
    public void GivenQ8_0Model_WhenDecoded_ThenCloseToTheF32ModelOfTheSameSeed()
    {
        var config = GgufTestFiles.SmallModel;
        using var f32 = GgufReader.Parse(TinyLlamaBuilder.Build(config).ToArray());
        using var q8 = GgufReader.Parse(TinyLlamaBuilder.Build(config with { TensorType = GgmlType.Q8_0 }).ToArray());

        var exact = f32.ReadTensorFloats("blk.0.attn_v.weight");
        var quantized = q8.ReadTensorFloats("blk.0.attn_v.weight");
        var error = Math.Sqrt(exact.Zip(quantized, (a, b) => (double)(a - b) * (a - b)).Sum() / exact.Sum(a => (double)a * a));
        Assert.InRange(error, 1e-4, 1e-2);
    }

    [Theory]
    [InlineData(48, 64, GgmlType.Q8_0)]
    [InlineData(64, 40, GgmlType.Q8_0)]
    public void GivenQ8_0WithWidthsNotMultipleOf32_WhenBuilt_ThenArgumentException(int nEmbd, int nFf, GgmlType type) =>
        Assert.Contains("multiples of 32", Assert.Throws<ArgumentException>(() =>
            TinyLlamaBuilder.Build(new TinyLlamaConfig(NEmbd: nEmbd, NHead: 4, NFf: nFf, TensorType: type))).Message);

    [Fact]
    public void GivenInconsistentHeads_WhenBuilt_ThenArgumentException()
    {
        Assert.Throws<ArgumentException>(() => TinyLlamaBuilder.Build(new TinyLlamaConfig(NEmbd: 64, NHead: 5)));
        Assert.Throws<ArgumentException>(() => TinyLlamaBuilder.Build(new TinyLlamaConfig(NHead: 4, NHeadKv: 3)));
        Assert.Throws<NotSupportedException>(() => TinyLlamaBuilder.Build(new TinyLlamaConfig(TensorType: GgmlType.Q4_0)));
    }
}
