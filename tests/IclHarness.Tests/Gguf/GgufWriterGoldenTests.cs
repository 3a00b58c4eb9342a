using Probing.Gguf;

namespace Probing.IclHarness.Tests.Gguf;

public sealed class GgufWriterGoldenTests
{
    [Fact]
    public void GivenTinyFile_WhenWritten_ThenBytesMatchTheGgufV3Layout()
    {
        var bytes = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("n", 7u)
            .AddTensor("w", [1f, -2f], [2])
            .ToArray();

        var expected = Convert.FromHexString(string.Concat(
            "47475546", "03000000", "0100000000000000", "0200000000000000",       // magic, v3, 1 tensor, 2 keys
            "1400000000000000", Convert.ToHexString("general.architecture"u8),   // key
            "08000000", "0500000000000000", Convert.ToHexString("llama"u8),      // string value
            "0100000000000000", "6E", "04000000", "07000000",                     // "n": uint32 7
            "0100000000000000", "77", "01000000", "0200000000000000",             // tensor "w", 1 dim, ne0 = 2
            "00000000", "0000000000000000",                                       // F32, offset 0
            new string('0', 2 * 9),                                               // header 119 bytes, padded to 128
            "0000803F", "000000C0", new string('0', 2 * 24)));                    // 1f, -2f, padded to 32
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
    }

    [Fact]
    public void GivenCustomAlignment_WhenWritten_ThenDataStartsAndTensorsArePaddedToIt()
    {
        var writer = new GgufWriter().Add("general.alignment", 64u)
            .AddTensor("a", new float[3], [3])
            .AddTensor("b", new float[5], [5]);

        using var file = GgufReader.Parse(writer.ToArray());

        Assert.Equal(64u, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal([0L, 64L], file.Tensors.Select(t => t.Offset));
        Assert.Equal(file.DataOffset + 128, file.FileSize);
    }

    [Fact]
    public void GivenExistingFile_WhenWrittenAgain_ThenReplacedAtomicallyWithoutTemporaryLeftovers()
    {
        var folder = Directory.CreateTempSubdirectory("gguf-writer-").FullName;
        try
        {
            var path = Path.Combine(folder, "m.gguf");
            File.WriteAllText(path, "old");
            new GgufWriter().Add("k", 1).Write(path);

            Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(folder).Select(Path.GetFileName));
            using var file = GgufReader.Open(path);
            Assert.Equal(1, file.GetInt64("k"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("general.alignment", 33u)]
    [InlineData("general.alignment", 32)]
    public void GivenBadAlignment_WhenAdded_ThenArgumentException(string key, object value) =>
        Assert.Throws<ArgumentException>(() => new GgufWriter().Add(key, value));

    [Fact]
    public void GivenBadTensors_WhenAdded_ThenArgumentExceptionNamesTheProblem()
    {
        var writer = new GgufWriter().AddTensor("x", new float[32], [32]);
        Assert.Contains("already", Assert.Throws<ArgumentException>(() => writer.AddTensor("x", new float[32], [32])).Message);
        Assert.Contains("multiple of 32", Assert.Throws<ArgumentException>(() => writer.AddTensor("q", new float[48], [16, 3], GgmlType.Q8_0)).Message);
        Assert.Contains("values were given", Assert.Throws<ArgumentException>(() => writer.AddTensor("y", new float[5], [2, 3])).Message);
        Assert.Throws<ArgumentException>(() => writer.AddTensor(new string('n', 64), new float[1], [1]));
        Assert.Throws<NotSupportedException>(() => writer.AddTensor("z", new float[256], [256], GgmlType.Q4_K));
        Assert.Equal(1, writer.TensorCount);
    }
}
