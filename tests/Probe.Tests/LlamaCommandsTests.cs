using System.Buffers.Binary;
using Probing.Cli;
using Probing.Gguf;
using Probing.IclHarness.Icl;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary><c>probe model tokenize</c>, <c>probe lens</c> and their bad-input paths on generated models.</summary>
public sealed class LlamaCommandsTests : IDisposable
{
    private static readonly TinyLlamaConfig Config = new(NLayer: 3, NEmbd: 64, NHead: 4, NHeadKv: 2, NFf: 64, NCtx: 128, TensorType: GgmlType.F16);

    private readonly string _folder = Directory.CreateTempSubdirectory("probe-llama-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteModel(Action<byte[]>? damage = null, int? truncateTo = null, TinyLlamaConfig? config = null)
    {
        var bytes = TinyLlamaBuilder.Build(config ?? Config).ToArray();
        damage?.Invoke(bytes);
        var path = Path.Combine(_folder, $"m{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, truncateTo is { } n ? bytes[..n] : bytes);
        return path;
    }

    [Fact]
    public void GivenGeneratedModel_WhenTokenize_ThenIdsAndPiecesAreListed()
    {
        var (code, output, error) = Run("model", "tokenize", "--model", WriteModel(), "(4, 11)");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains("8 tokens", output);
        Assert.Contains("'<s>'", output);
        Assert.Contains("'('", output);
        Assert.Contains("' '", output);
    }

    [Fact]
    public void GivenNoModelOption_WhenLens_ThenTheBundledModelIsUsedAsByIcl()
    {
        var output = Path.Combine(_folder, "lens-default");
        var previous = Environment.GetEnvironmentVariable("PROBE_MODEL");
        Environment.SetEnvironmentVariable("PROBE_MODEL", null);
        try
        {
            var (code, _, error) = Run("lens", "--prompt", "(1, 5), (2,", "--threads", "1", "--out", output);
            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains(Path.GetFileName(BundledModel.RelativePath), File.ReadAllText(Path.Combine(output, "run.json")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PROBE_MODEL", previous);
        }
    }

    [Fact]
    public void GivenGeneratedModel_WhenLens_ThenTablePerLayerAndCsvPngRunJsonAreWritten()
    {
        var outDir = Path.Combine(_folder, "lens");

        var (code, output, error) = Run("lens", "--model", WriteModel(), "--prompt", "(1, 5), (4, 11), (2,", "--top", "3", "--out", outDir, "--threads", "1");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain("probe:", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("0 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("2 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("model", StringComparison.Ordinal));
        var csv = File.ReadAllLines(Path.Combine(outDir, "lens.csv"));
        Assert.Equal("layer,position,input_token,rank,token_id,piece,probability,final_token_probability", csv[0]);
        Assert.Equal(1 + 3 * 21 * 3, csv.Length); // layers × tokens (BOS + 20 characters) × top
        var png = File.ReadAllBytes(Path.Combine(outDir, "lens.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Matches("\"sha256\": \"[0-9a-f]{64}\"", File.ReadAllText(Path.Combine(outDir, "run.json")));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*"));
    }

    public static TheoryData<string, string> BadModels => new()
    {
        { "missing", "not found" },
        { "not-gguf", "GGUF" },
        { "truncated", "truncated" },
        { "version", "version" },
        { "tensor-type", "type" },
        { "absurd-count", "" },
        { "unknown-arch", "architecture" },
        { "absurd-layers", "block_count" },
        { "wrong-shape", "blk.0.attn_k.weight" },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void GivenDamagedModel_WhenLensOrTokenize_ThenOneLineAndExitCode2(string damage, string expected)
    {
        var path = damage switch
        {
            "missing" => Path.Combine(_folder, "nope.gguf"),
            "not-gguf" => WriteModel(bytes => bytes[0] = (byte)'X'),
            "truncated" => WriteModel(truncateTo: TinyLlamaBuilder.Build(Config).ToArray().Length - 1000),
            "version" => WriteModel(bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 99)),
            "tensor-type" => WriteModel(bytes => CorruptFirstTensorType(bytes)),
            "absurd-count" => WriteModel(bytes => BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), ulong.MaxValue / 3)),
            "unknown-arch" => UnknownArchitectureModel(),
            "absurd-layers" => WriteWith("llama.block_count", 1000u), // llama.cpp would GGML_ASSERT and abort
            "wrong-shape" => WriteWith("llama.attention.head_count_kv", 1u),
            _ => throw new ArgumentException(damage),
        };

        foreach (var args in new[] { new[] { "lens", "--model", path, "--prompt", "(1, 2)" }, ["model", "tokenize", "--model", path, "(1, 2)"] })
        {
            var (code, _, error) = Run(args);
            if (damage == "wrong-shape" && args[0] == "model")
            {
                // tokenize loads the tokenizer alone (vocab_only, as llama.cpp's llama-tokenize does): weights it never
                // reads cannot stop it; lens, which loads them, refuses.
                Assert.True(code == ExitCodes.Ok, error);
                continue;
            }
            Assert.Equal(ExitCodes.BadInput, code);
            var lines = error.TrimEnd().Split('\n');
            Assert.Single(lines);
            Assert.StartsWith("probe: ", lines[0]);
            Assert.Contains(expected, lines[0], StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void GivenEmptyPrompt_WhenLens_ThenExitCode2()
    {
        var (code, _, error) = Run("lens", "--model", WriteModel(), "--prompt", "");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("empty prompt", error);
    }

    [Fact]
    public void GivenPromptLongerThanTheContext_WhenLens_ThenExitCode2()
    {
        var (code, _, error) = Run("lens", "--model", WriteModel(), "--prompt", new string('7', 600), "--ctx", "64", "--threads", "1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("the prompt is 601 tokens", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private string WriteWith(string key, object value)
    {
        var path = Path.Combine(_folder, $"m{Guid.NewGuid():N}.gguf");
        TinyLlamaBuilder.Build(Config).Add(key, value).Write(path);
        return path;
    }

    private string UnknownArchitectureModel()
    {
        var path = Path.Combine(_folder, "unknown-arch.gguf");
        TinyLlamaBuilder.Build(Config).Add(GgufFile.ArchitectureKey, "nosucharch").Write(path);
        return path;
    }

    // The type field of the first tensor-directory entry sits after its name and dimensions; find the
    // first entry by parsing the file with the reader, then write an id ggml does not know.
    private static void CorruptFirstTensorType(byte[] bytes)
    {
        using var file = GgufReader.Parse(bytes);
        var first = file.Tensors[0];
        var name = System.Text.Encoding.UTF8.GetBytes(first.Name);
        var at = bytes.AsSpan().IndexOf(name);
        var typeOffset = at + name.Length + 4 + 8 * first.Dimensions.Count;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(typeOffset), 200);
    }
}
