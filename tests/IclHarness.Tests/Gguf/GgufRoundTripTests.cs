using Probing.Gguf;

namespace Probing.IclHarness.Tests.Gguf;

public sealed class GgufRoundTripTests
{
    public static TheoryData<object> MetadataValues() => new()
    {
        (byte)200, (sbyte)-100, (ushort)60000, (short)-30000, 4000000000u, -2000000000, 1.5f, true, false,
        "héllo ▁ world", ulong.MaxValue, long.MinValue, Math.PI,
        new byte[] { 1, 2, 255 }, new sbyte[] { -1, 2 }, new ushort[] { 1, 65535 }, new short[] { -5, 5 },
        new uint[] { 0, uint.MaxValue }, new[] { -1, 0, 1 }, new[] { 0.5f, -0f, float.NaN }, new[] { true, false, true },
        new[] { "<s>", "", "▁a" }, new[] { ulong.MaxValue }, new[] { long.MinValue, 3L }, new[] { 1e300, -1e-300 },
        Array.Empty<string>(), Array.Empty<float>(),
    };

    [Theory]
    [MemberData(nameof(MetadataValues))]
    public void GivenMetadataValue_WhenWrittenAndRead_ThenSameTypeAndValue(object value)
    {
        using var file = GgufReader.Parse(new GgufWriter().Add("key", value).ToArray());

        var read = file.Get("key");
        Assert.Equal(value.GetType(), read.Value.GetType());
        Assert.Equal(value, read.Value);
        Assert.Equal(GgufValue.From(value).Type, read.Type);
        Assert.Equal(GgufValue.From(value).ElementType, read.ElementType);
    }

    [Fact]
    public void GivenManyKeys_WhenRead_ThenFileOrderAndTypedGettersWork()
    {
        var bytes = new GgufWriter()
            .Add("general.architecture", "llama").Add("b", (ushort)7).Add("a", 2.5).Add("c", new[] { "x", "y" })
            .ToArray();
        using var file = GgufReader.Parse(bytes);

        Assert.Equal(["general.architecture", "b", "a", "c"], file.MetadataKeys);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal(7u, file.GetUInt32("b"));
        Assert.Equal(2.5f, file.GetFloat32("a"));
        Assert.Equal(["x", "y"], file.GetArray<string>("c"));
        Assert.Equal(2, file.GetArrayLength("c"));
        Assert.Equal(3u, file.Version);
        Assert.Contains("'a' is a Float64", Assert.Throws<InvalidDataException>(() => file.GetUInt32("a")).Message);
        Assert.Contains("'missing' is missing", Assert.Throws<InvalidDataException>(() => file.GetString("missing")).Message);
    }

    [Fact]
    public void GivenF32Tensor_WhenRoundTripped_ThenBitExact()
    {
        var values = Enumerable.Range(0, 12).Select(i => MathF.Sin(i) * 1e3f).Append(float.Epsilon).ToArray();
        using var file = GgufReader.Parse(new GgufWriter().AddTensor("t", values, [13]).ToArray());

        Assert.Equal(values, file.ReadTensorFloats("t"));
    }

    [Fact]
    public void GivenF16RepresentableValues_WhenRoundTripped_ThenExact()
    {
        float[] values = [0f, 1f, -2.5f, 65504f, 6.1035156e-05f, 5.9604645e-08f, 0.333251953125f, -1023.5f];
        using var file = GgufReader.Parse(new GgufWriter().AddTensor("h", values, [4, 2], GgmlType.F16).ToArray());

        var tensor = file.GetTensor("h");
        Assert.Equal(GgmlType.F16, tensor.Type);
        Assert.Equal(16, tensor.ByteSize);
        Assert.Equal([4L, 2L], tensor.Dimensions);
        Assert.Equal(values, file.ReadTensorFloats("h"));
    }

    [Fact]
    public void GivenQ8_0Tensor_WhenRoundTripped_ThenEachValueWithinHalfAStepPlusScaleRounding()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 32 * 6).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        values[40] = 100f; // one block with a large outlier
        using var file = GgufReader.Parse(new GgufWriter().AddTensor("q", values, [64, 3], GgmlType.Q8_0).ToArray());

        var decoded = file.ReadTensorFloats("q");
        Assert.Equal(6 * 34, file.GetTensor("q").ByteSize);
        for (var block = 0; block < 6; block++)
        {
            var slice = values.AsSpan(block * 32, 32);
            var amax = 0f;
            foreach (var v in slice) amax = MathF.Max(amax, MathF.Abs(v));
            // Stated bound: rounding to the grid costs d/2; storing d = amax/127 as fp16 costs at most
            // 127 * d * 2^-11 more. Together: 0.5625 d.
            var bound = 0.5625f * amax / 127f;
            for (var j = 0; j < 32; j++)
                Assert.True(MathF.Abs(decoded[block * 32 + j] - slice[j]) <= bound, $"block {block} element {j}");
        }
    }

    [Fact]
    public void GivenQ8_0Block_WhenEncoded_ThenBytesMatchGgmlReferenceQuantizer()
    {
        var values = Enumerable.Range(0, 32).Select(i => i - 10.5f).ToArray(); // amax = 20.5

        var bytes = GgmlConvert.Encode(GgmlType.Q8_0, values);

        var d = 20.5f / 127f;
        Assert.Equal(34, bytes.Length);
        Assert.Equal((Half)d, BitConverter.ToHalf(bytes, 0));
        for (var j = 0; j < 32; j++)
            Assert.Equal((sbyte)MathF.Round(values[j] / d, MidpointRounding.AwayFromZero), (sbyte)bytes[2 + j]);
        Assert.Equal(-65, (sbyte)bytes[2]); // -10.5 / d = -65.04…
        Assert.Equal(127, (sbyte)bytes[2 + 31]);
    }

    [Fact]
    public void GivenZeroBlock_WhenQ8_0Encoded_ThenScaleAndQuantsAreZero() =>
        Assert.All(GgmlConvert.Encode(GgmlType.Q8_0, new float[32]), b => Assert.Equal(0, b));

    [Fact]
    public void GivenRawQuantizedBytes_WhenAdded_ThenReaderReportsBlockSizes()
    {
        var data = new byte[2 * 144]; // two Q4_K super-blocks of 256 values
        using var file = GgufReader.Parse(new GgufWriter().AddTensorBytes("k", GgmlType.Q4_K, [512], data).ToArray());

        var tensor = file.GetTensor("k");
        Assert.Equal(288, tensor.ByteSize);
        Assert.Equal(512, tensor.ElementCount);
        Assert.Throws<NotSupportedException>(() => file.ReadTensorFloats("k"));
    }

    [Fact]
    public void GivenFileOnDisk_WhenOpened_ThenTensorBytesComeFromTheMapAndDisposeReleasesThem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gguf-map-{Guid.NewGuid():N}.gguf");
        try
        {
            new GgufWriter().AddTensor("t", [1f, 2f, 3f], [3]).Write(path);
            var file = GgufReader.Open(path);
            Assert.Equal([1f, 2f, 3f], file.ReadTensorFloats("t"));
            Assert.Equal(path, file.Path);
            file.Dispose();
            Assert.Throws<ObjectDisposedException>(() => file.GetTensorBytes(file.Tensors[0]).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
