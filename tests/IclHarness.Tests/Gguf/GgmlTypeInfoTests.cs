using Probing.Gguf;

namespace Probing.IclHarness.Tests.Gguf;

public sealed class GgmlTypeInfoTests
{
    // Values printed by ggml_blck_size / ggml_type_size of the pinned libggml-base.
    [Theory]
    [InlineData(GgmlType.F32, 1, 4)]
    [InlineData(GgmlType.F16, 1, 2)]
    [InlineData(GgmlType.BF16, 1, 2)]
    [InlineData(GgmlType.Q4_0, 32, 18)]
    [InlineData(GgmlType.Q8_0, 32, 34)]
    [InlineData(GgmlType.Q4_K, 256, 144)]
    [InlineData(GgmlType.Q6_K, 256, 210)]
    [InlineData(GgmlType.IQ4_XS, 256, 136)]
    [InlineData(GgmlType.MXFP4, 32, 17)]
    [InlineData(GgmlType.Q1_0, 128, 18)]
    public void GivenType_WhenSized_ThenMatchesGgml(GgmlType type, int block, int bytes)
    {
        Assert.Equal(block, GgmlTypeInfo.BlockSize(type));
        Assert.Equal(bytes, GgmlTypeInfo.BlockBytes(type));
        Assert.Equal((long)bytes * 2 * 3, GgmlTypeInfo.TryByteSize(type, [2L * block, 3]));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(31)]
    [InlineData(38)]
    [InlineData(43)]
    [InlineData(-1)]
    public void GivenRemovedOrUnknownId_WhenChecked_ThenNotKnown(int id) => Assert.False(GgmlTypeInfo.IsKnown(id));

    [Fact]
    public void GivenNames_WhenFormatted_ThenGgmlSpelling()
    {
        Assert.Equal("q4_K", GgmlTypeInfo.Name(GgmlType.Q4_K));
        Assert.Equal("q8_0", GgmlTypeInfo.Name(GgmlType.Q8_0));
        Assert.Equal("iq2_xxs", GgmlTypeInfo.Name(GgmlType.IQ2_XXS));
    }

    [Fact]
    public void GivenRowNotMultipleOfBlockOrHugeShape_WhenSized_ThenNull()
    {
        Assert.Null(GgmlTypeInfo.TryByteSize(GgmlType.Q8_0, [33]));
        Assert.Null(GgmlTypeInfo.TryByteSize(GgmlType.F32, [long.MaxValue / 2, 4]));
    }
}
