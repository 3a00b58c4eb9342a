using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Probing.ToyModels.Checkpoints;

namespace Probing.ToyModels.Tests.Training;

public sealed class SafeTensorsFileTests
{
    private static SafeTensorsDocument Doc(params (string Name, SafeTensorEntry Entry)[] tensors) =>
        new(tensors.ToDictionary(t => t.Name, t => t.Entry), new Dictionary<string, string>());

    [Fact]
    public void GivenTwoTensors_WhenSerialized_ThenTheHeaderIsTheGoldenJsonPaddedToEightBytes()
    {
        var document = new SafeTensorsDocument(
            new Dictionary<string, SafeTensorEntry>
            {
                ["embed.W_E"] = SafeTensorEntry.FromFloats([1f, 2f, 3f, 4f, 5f, 6f], 3, 2),
                ["unembed.b_U"] = SafeTensorEntry.FromFloats([0.5f, -1f, 2f], 3),
            },
            new Dictionary<string, string> { ["format"] = "pt" });

        var bytes = SafeTensorsFile.ToBytes(document);

        const string golden = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"embed.W_E\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]},"
            + "\"unembed.b_U\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}}";
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(golden, Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd(' '));
        Assert.Equal(8 + headerLength + 36, bytes.Length);
        // F32 little-endian: 1.0f is 00 00 80 3F.
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F }, bytes.AsSpan(8 + headerLength, 4).ToArray());
    }

    [Property(MaxTest = 50)]
    public Property GivenRandomTensors_WhenWrittenAndParsed_ThenNamesShapesAndBytesSurvive() =>
        Prop.ForAll(
            Gen.Choose(0, 4).SelectMany(n => Gen.Choose(0, 5).ArrayOf(n)).ToArbitrary(),
            dims =>
            {
                var random = new Random(dims.Sum() * 31 + dims.Length);
                var shape = dims.Select(d => (long)d).ToArray();
                var count = (int)shape.Aggregate(1L, (a, b) => a * b);
                var values = Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                var document = Doc(("a", SafeTensorEntry.FromFloats(values, shape)), ("b.c", new SafeTensorEntry("I64", [2], new byte[16])));

                var back = SafeTensorsFile.Parse(SafeTensorsFile.ToBytes(document));

                return back.Tensors["a"].Shape.SequenceEqual(shape)
                    && back.Tensors["a"].ToFloats().SequenceEqual(values)
                    && back.Tensors["b.c"].DType == "I64"
                    && back.Tensors.Keys.SequenceEqual(["a", "b.c"]);
            });

    [Fact]
    public void GivenAPythonStyleFile_WhenParsed_ThenOutOfOrderOffsetsAndMetadataAreRead()
    {
        // Python's writer orders data by dtype alignment and lists keys alphabetically, so header order
        // and data order differ; the header is space-padded.
        var header = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[4,6]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        header += new string(' ', (8 - header.Length % 8) % 8);
        var bytes = new byte[8 + header.Length + 6];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 8);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + header.Length), 2.5f);
        BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(8 + header.Length + 4), (Half)(-0.5f));

        var document = SafeTensorsFile.Parse(bytes);

        Assert.Equal("pt", document.Metadata["format"]);
        Assert.Equal([-0.5f], document.Tensors["a"].ToFloats());
        Assert.Equal([2.5f], document.Tensors["b"].ToFloats());
    }

    public static TheoryData<string, string> Damaged => new()
    {
        { "short", "too short" },
        { "huge-length", "header length" },
        { "bad-json", "not valid JSON" },
        { "gap", "starts at byte" },
        { "size", "needs" },
        { "trailing", "cover" },
        { "dtype", "unknown dtype" },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void GivenADamagedFile_WhenParsed_ThenOneLineInvalidDataExceptionNamesTheProblem(string damage, string expected)
    {
        var good = SafeTensorsFile.ToBytes(Doc(("x", SafeTensorEntry.FromFloats([1f, 2f], 2))));
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(good);
        string Header(string json) => json + new string(' ', (8 - json.Length % 8) % 8);
        byte[] WithHeader(string json, int dataBytes)
        {
            var h = Header(json);
            var b = new byte[8 + h.Length + dataBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)h.Length);
            Encoding.ASCII.GetBytes(h).CopyTo(b, 8);
            return b;
        }

        var bytes = damage switch
        {
            "short" => good[..5],
            "huge-length" => good[..(8 + headerLength)],
            "bad-json" => WithHeader("{\"x\":", 0),
            "gap" => WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
            "size" => WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
            "trailing" => [.. good, 0, 0, 0, 0],
            "dtype" => WithHeader("{\"x\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1),
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        if (damage == "huge-length") BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1UL << 40);

        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, "m.safetensors"));

        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("m.safetensors: damaged safetensors file", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void GivenAFile_WhenWritten_ThenNoTemporaryFileIsLeftAndReadGivesItBack()
    {
        var folder = Directory.CreateTempSubdirectory("st-");
        try
        {
            var path = Path.Combine(folder.FullName, "w.safetensors");
            SafeTensorsFile.Write(path, Doc(("w", SafeTensorEntry.FromFloats([7f], 1))));
            SafeTensorsFile.Write(path, Doc(("w", SafeTensorEntry.FromFloats([8f], 1))));

            Assert.Equal([8f], SafeTensorsFile.Read(path).Tensors["w"].ToFloats());
            Assert.Single(Directory.GetFiles(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
