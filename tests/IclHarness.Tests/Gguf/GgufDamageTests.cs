using Probing.Gguf;
using static Probing.IclHarness.Tests.Gguf.GgufTestFiles;

namespace Probing.IclHarness.Tests.Gguf;

public sealed class GgufDamageTests
{
    [Fact]
    public void GivenModelTruncatedThroughHeaderDirectoryAndData_WhenParsed_ThenInvalidDataExactlyWhenDataIsMissing()
    {
        var bytes = SmallModelCopy();
        using var whole = GgufReader.Parse(bytes);
        var last = whole.Tensors[^1];
        var needed = last.FileOffset + last.ByteSize;
        // Every byte of the fixed header and the first metadata entries, every 7th byte of the rest
        // of the metadata and directory (strings, arrays, tensor entries), 100 points through the data.
        var cuts = Enumerable.Range(0, 512)
            .Concat(Enumerable.Range(0, ((int)whole.DataOffset + 64 - 512) / 7).Select(i => 512 + 7 * i))
            .Concat(Enumerable.Range(0, 100).Select(i => (int)(whole.DataOffset + (bytes.Length - whole.DataOffset) * i / 100)))
            .Append(bytes.Length - 1);

        foreach (var cut in cuts)
        {
            if (cut >= needed)
            {
                using var file = GgufReader.Parse(bytes.AsSpan(0, cut)); // only the final padding is gone
                continue;
            }

            ParseFails<InvalidDataException>(bytes[..cut]);
        }
    }

    [Fact]
    public void GivenTensorDataCutShort_WhenParsed_ThenMessageNamesTheTensorAndBothSizes()
    {
        var bytes = SmallModelCopy();
        using var whole = GgufReader.Parse(bytes);
        var tensor = whole.GetTensor("blk.0.attn_q.weight");
        var cut = (int)(tensor.FileOffset + tensor.ByteSize / 2);

        var message = ParseFails<InvalidDataException>(bytes[..cut]);

        Assert.Contains($"truncated tensor data for blk.0.attn_q.weight: needs {tensor.FileOffset + tensor.ByteSize} bytes, file has {cut}", message);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(0u)]
    [InlineData(4u)]
    [InlineData(123456u)]
    public void GivenUnsupportedVersion_WhenParsed_ThenNotSupportedWithTheVersion(uint version)
    {
        var bytes = SmallModelCopy();
        PutUInt32(bytes, 4, version);

        var message = ParseFails<NotSupportedException>(bytes);

        Assert.Contains($"unsupported GGUF version {version}; this tool reads v2 and v3", message);
    }

    [Fact]
    public void GivenVersion2_WhenParsed_ThenAccepted()
    {
        var bytes = SmallModelCopy();
        PutUInt32(bytes, 4, 2);
        using var file = GgufReader.Parse(bytes);
        Assert.Equal(2u, file.Version);
    }

    [Fact]
    public void GivenBigEndianVersion_WhenParsed_ThenNotSupportedNamesEndianness()
    {
        var bytes = SmallModelCopy();
        PutUInt32(bytes, 4, 0x03000000);
        Assert.Contains("big-endian", ParseFails<NotSupportedException>(bytes));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x47, 0x47 })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x7D })] // {"a":1}
    public void GivenNotGguf_WhenParsed_ThenNotAGgufFile(byte[] bytes) =>
        Assert.Contains("not a GGUF file", ParseFails<InvalidDataException>(bytes));

    [Theory]
    [InlineData(8, ulong.MaxValue, "tensors")]
    [InlineData(8, 1UL << 40, "tensors")]
    [InlineData(16, ulong.MaxValue, "metadata entries")]
    [InlineData(16, 1UL << 33, "metadata entries")]
    public void GivenAbsurdCount_WhenParsed_ThenRefusedBeforeAllocating(int offset, ulong count, string what)
    {
        var bytes = SmallModelCopy();
        PutUInt64(bytes, offset, count);

        var message = ParseFails<InvalidDataException>(bytes);

        Assert.Contains($"claims {count} {what}", message);
    }

    [Fact]
    public void GivenHugeStringLength_WhenParsed_ThenInvalidDataNamesTheKey()
    {
        var bytes = SmallModelCopy();
        var keyLength = IndexOf(bytes, "general.name") - 8;
        PutUInt64(bytes, keyLength, ulong.MaxValue - 3);

        Assert.Contains("metadata key #0 claims", ParseFails<InvalidDataException>(bytes));
    }

    [Fact]
    public void GivenHugeArrayCount_WhenParsed_ThenInvalidDataNamesTheKey()
    {
        var bytes = SmallModelCopy();
        var count = KeyTypeOffset(bytes, "tokenizer.ggml.tokens") + 8;
        PutUInt64(bytes, count, 1UL << 50);

        Assert.Contains("metadata 'tokenizer.ggml.tokens' claims 1125899906842624 array elements", ParseFails<InvalidDataException>(bytes));
    }

    [Theory]
    [InlineData(13, "unknown value type 13")]
    [InlineData(-7, "unknown value type -7")]
    public void GivenUnknownValueType_WhenParsed_ThenInvalidData(int type, string expected)
    {
        var bytes = SmallModelCopy();
        PutInt32(bytes, KeyTypeOffset(bytes, "llama.block_count"), type);
        Assert.Contains($"metadata 'llama.block_count' has {expected}", ParseFails<InvalidDataException>(bytes));
    }

    [Fact]
    public void GivenArrayOfArrays_WhenParsed_ThenInvalidData()
    {
        var bytes = SmallModelCopy();
        PutInt32(bytes, KeyTypeOffset(bytes, "tokenizer.ggml.scores") + 4, (int)GgufType.Array);
        Assert.Contains("array of arrays", ParseFails<InvalidDataException>(bytes));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(4)]
    [InlineData(31)]
    public void GivenUnknownTensorType_WhenParsed_ThenNotSupportedNamesTensorAndType(int type)
    {
        var bytes = SmallModelCopy();
        PutInt32(bytes, TensorTypeOffset(bytes, "blk.0.ffn_up.weight"), type);
        Assert.Contains($"tensor 'blk.0.ffn_up.weight' has unknown ggml type {type}", ParseFails<NotSupportedException>(bytes));
    }

    [Fact]
    public void GivenFiveDimensions_WhenParsed_ThenInvalidData()
    {
        var bytes = SmallModelCopy();
        PutUInt32(bytes, TensorDimsOffset(bytes, "output_norm.weight"), 5);
        Assert.Contains("tensor 'output_norm.weight' has 5 dimensions; ggml allows at most 4", ParseFails<InvalidDataException>(bytes));
    }

    [Theory]
    [InlineData(0L, "dimension 1 of size 0")]
    [InlineData(-3L, "dimension 1 of size -3")]
    [InlineData(long.MaxValue, "overflows")]
    public void GivenBadDimension_WhenParsed_ThenInvalidData(long size, string expected)
    {
        var bytes = SmallModelCopy();
        PutInt64(bytes, TensorDimsOffset(bytes, "token_embd.weight") + 4 + 8, size);
        Assert.Contains(expected, ParseFails<InvalidDataException>(bytes));
    }

    [Fact]
    public void GivenQuantizedTypeWithRowsNotOfWholeBlocks_WhenParsed_ThenInvalidData()
    {
        var bytes = SmallModelCopy();
        PutInt32(bytes, TensorTypeOffset(bytes, "blk.0.attn_q.weight"), (int)GgmlType.Q4_K); // rows of 32, blocks of 256
        Assert.Contains("not a multiple of its block size 256", ParseFails<InvalidDataException>(bytes));
    }

    [Theory]
    [InlineData(1UL, "not a multiple of the alignment")]
    [InlineData(64UL, "was expected")]
    [InlineData(1UL << 62, "was expected")]
    public void GivenBadTensorOffset_WhenParsed_ThenInvalidData(ulong shift, string expected)
    {
        var bytes = SmallModelCopy();
        var offsetField = TensorTypeOffset(bytes, "blk.0.ffn_norm.weight") + 4;
        var offset = BitConverter.ToUInt64(bytes, offsetField);
        PutUInt64(bytes, offsetField, offset + shift);
        Assert.Contains($"tensor 'blk.0.ffn_norm.weight' has data offset {offset + shift}", ParseFails<InvalidDataException>(bytes));
        Assert.Contains(expected, ParseFails<InvalidDataException>(bytes));
    }

    [Theory]
    [InlineData(48u, "not a power of two")]
    [InlineData(0u, "not a power of two")]
    public void GivenBadAlignment_WhenParsed_ThenInvalidData(uint alignment, string expected)
    {
        var bytes = new GgufWriter().Add("general.alignment", 32u).AddTensor("t", new float[4], [4]).ToArray();
        PutUInt32(bytes, KeyTypeOffset(bytes, "general.alignment") + 4, alignment);
        Assert.Contains(expected, ParseFails<InvalidDataException>(bytes));
    }

    [Fact]
    public void GivenAlignmentOfWrongType_WhenParsed_ThenInvalidData()
    {
        var bytes = new GgufWriter().Add("general.alignment", 32u).ToArray();
        PutInt32(bytes, KeyTypeOffset(bytes, "general.alignment"), (int)GgufType.Int32);
        Assert.Contains("requires a UInt32", ParseFails<InvalidDataException>(bytes));
    }

    [Fact]
    public void GivenDuplicateKeyOrTensor_WhenParsed_ThenInvalidData()
    {
        var keys = new GgufWriter().Add("aa", 1).Add("ab", 2).ToArray();
        keys[IndexOf(keys, "ab") + 1] = (byte)'a';
        Assert.Contains("metadata key 'aa' appears twice", ParseFails<InvalidDataException>(keys));

        var tensors = new GgufWriter().AddTensor("xa", new float[1], [1]).AddTensor("xb", new float[1], [1]).ToArray();
        tensors[IndexOf(tensors, "xb") + 1] = (byte)'a';
        Assert.Contains("tensor name 'xa' appears twice", ParseFails<InvalidDataException>(tensors));
    }

    [Fact]
    public void GivenMissingFileOrFolder_WhenOpened_ThenFileNotFoundWithThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.gguf");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => GgufReader.Open(missing)).Message);
        Assert.Contains("is a folder", Assert.Throws<FileNotFoundException>(() => GgufReader.Open(Path.GetTempPath())).Message);
    }

    [Fact]
    public void GivenEmptyFileOnDisk_WhenOpened_ThenInvalidDataNotAGgufFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"empty-{Guid.NewGuid():N}.gguf");
        try
        {
            File.WriteAllBytes(path, []);
            Assert.Contains("not a GGUF file", Assert.Throws<InvalidDataException>(() => GgufReader.Open(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
