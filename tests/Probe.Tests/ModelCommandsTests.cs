using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Probing.Cli;
using Probing.Gguf;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

public sealed class ModelCommandsTests : IDisposable
{
    private static readonly TinyLlamaConfig Config = new(NLayer: 3, NEmbd: 64, NHead: 4, NHeadKv: 2, NFf: 64, NCtx: 128,
        Vocabulary: "0123456789(), ", TensorType: GgmlType.Q8_0);

    private readonly string _folder = Directory.CreateTempSubdirectory("probe-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteModel(Action<byte[]>? damage = null, int? truncateTo = null)
    {
        var bytes = TinyLlamaBuilder.Build(Config).ToArray();
        damage?.Invoke(bytes);
        var path = Path.Combine(_folder, $"m{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, truncateTo is { } n ? bytes[..n] : bytes);
        return path;
    }

    [Fact]
    public void GivenANameWithANewlineAndATerminalEscape_WhenInfo_ThenEachRowStaysOneLineWithoutTheEscape()
    {
        var path = Path.Combine(_folder, "named.gguf");
        File.WriteAllBytes(path, TinyLlamaBuilder.Build(Config with { Name = "evil\n\u001b[31mred\u0007\u202Eexe.txt" }).ToArray());

        var (code, output, _) = Run("model", "info", "--model", path);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u0007', output);
        Assert.Contains(@"name         evil\u000A\u001B[31mred\u0007\u202Eexe.txt", output); // the bidi override too
        Assert.Equal(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, Run("model", "info", "--model", WriteModel()).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void GivenGeneratedModel_WhenInfo_ThenTableShowsSizesTokenizerTypesAndSha256()
    {
        var path = WriteModel();

        var (code, output, error) = Run("model", "info", "--model", path);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains("architecture llama", output);
        Assert.Contains("layers       3", output);
        Assert.Contains("d_model      64", output);
        Assert.Contains("heads        4 (kv 2)", output);
        Assert.Contains("context      128", output);
        Assert.Contains("vocabulary   273 (llama tokenizer)", output);
        Assert.Contains("tensors      30: q8_0 x 23, f32 x 7", output);
        Assert.Contains("quantization q8_0", output);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), output);
    }

    [Fact]
    public void GivenGeneratedModel_WhenInfoJson_ThenMachineReadableSummary()
    {
        var path = WriteModel();

        var (code, output, _) = Run("model", "info", "--model", path, "--json");

        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("llama", root.GetProperty("architecture").GetString());
        Assert.Equal(3, root.GetProperty("n_layers").GetInt32());
        Assert.Equal(273, root.GetProperty("d_vocab").GetInt32());
        Assert.Equal(23, root.GetProperty("tensor_types").GetProperty("q8_0").GetInt32());
        Assert.Equal(new FileInfo(path).Length, root.GetProperty("file_size").GetInt64());
        // 273*64 embeddings and output, 3 layers of q,k,v,o (64*64 + 2*64*32 + 64*64), 3 MLPs (3*64*64), 7 norms.
        Assert.Equal(2 * 273 * 64 + 3 * (2 * 4096 + 2 * 2048 + 3 * 4096) + 7 * 64, root.GetProperty("n_params").GetInt64());
    }

    [Theory]
    [InlineData("qwen2", "9707 220 16 17 18")]
    [InlineData("llama-spm", "1 15043 29871 29896 29906 29941")]
    [InlineData("gpt-2", "15496 17031")]
    public void GivenLlamaCppsVocabOnlyGguf_WhenModelTokenize_ThenTheFilesTokenizerAnswersWithoutWeights(string vocabulary, string expectedIds)
    {
        // models/ggml-vocab-*.gguf hold a tokenizer and no tensors; llama.cpp loads them with vocab_only.
        var path = Probing.IclHarness.Tests.RealTokenizers.LlamaVocabFiles.PathOf(vocabulary);

        var (code, output, error) = Run("model", "tokenize", "--model", path, "Hello 123");

        Assert.True(code == ExitCodes.Ok, error);
        var ids = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Equal(expectedIds, string.Join(' ', ids));
    }

    [Fact]
    public void GivenLlamaCppsVocabOnlyGguf_WhenInfo_ThenTheTensorRowSaysVocabularyOnly()
    {
        var path = Probing.IclHarness.Tests.RealTokenizers.LlamaVocabFiles.PathOf("qwen2");

        var (code, output, error) = Run("model", "info", "--model", path);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("vocabulary   151,936 (gpt2 tokenizer)", output);
        Assert.Contains("tensors      0 (vocabulary only", output);
    }

    [Fact]
    public void GivenMissingFile_WhenInfo_ThenOneLineAndExit2()
    {
        var missing = Path.Combine(_folder, "absent.gguf");
        AssertBadInput(Run("model", "info", "--model", missing), $"model file not found: '{missing}'");
    }

    [Fact]
    public void GivenTruncatedModel_WhenInfo_ThenOneLineNamingTheTensorAndExit2()
    {
        var full = TinyLlamaBuilder.Build(Config).ToArray().Length;
        AssertBadInput(Run("model", "info", "--model", WriteModel(truncateTo: full - 4000)), "truncated tensor data for output.weight");
    }

    [Fact]
    public void GivenNotGguf_WhenInfo_ThenOneLineAndExit2()
    {
        var path = Path.Combine(_folder, "notes.gguf");
        File.WriteAllText(path, "hello world");
        AssertBadInput(Run("model", "info", "--model", path), "not a GGUF file");
    }

    [Fact]
    public void GivenOldVersion_WhenInfo_ThenOneLineAndExit2() =>
        AssertBadInput(Run("model", "info", "--model", WriteModel(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 1))),
            "unsupported GGUF version 1; this tool reads v2 and v3");

    [Fact]
    public void GivenAbsurdTensorCount_WhenInfo_ThenOneLineAndExit2() =>
        AssertBadInput(Run("model", "info", "--model", WriteModel(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), ulong.MaxValue))),
            $"claims {ulong.MaxValue} tensors");

    [Fact]
    public void GivenUnknownTensorType_WhenInfo_ThenOneLineAndExit2() =>
        AssertBadInput(Run("model", "info", "--model", WriteModel(b =>
        {
            // The type field of the last directory entry (output.weight) sits just before its uint64 offset.
            var name = System.Text.Encoding.ASCII.GetBytes("output.weight");
            var at = b.AsSpan().LastIndexOf(name) + name.Length + 4 + 2 * 8;
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), 77);
        })), "tensor 'output.weight' has unknown ggml type 77");

    [Fact]
    public void GivenUnknownArchitectureWithoutSizes_WhenInfo_ThenReportsWhatIsThere()
    {
        var path = Path.Combine(_folder, "other.gguf");
        new GgufWriter().Add("general.architecture", "mystery").AddTensor("w", new float[64], [8, 8], GgmlType.F16).Write(path);

        var (code, output, _) = Run("model", "info", "--model", path);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("architecture mystery", output);
        Assert.Contains("layers       -", output);
        Assert.Contains("vocabulary   - (no tokenizer)", output);
        Assert.Contains("parameters   64", output);
    }

    [Fact]
    public void GivenNoArchitecture_WhenInfo_ThenOneLineAndExit2()
    {
        var path = Path.Combine(_folder, "bare.gguf");
        new GgufWriter().Add("general.name", "x").Write(path);
        AssertBadInput(Run("model", "info", "--model", path), "metadata key 'general.architecture' is missing");
    }

    [Fact]
    public void GivenMissingModelOption_WhenInfo_ThenExit2() =>
        Assert.Equal(ExitCodes.BadInput, Run("model", "info").Code);

    private static void AssertBadInput((int Code, string Out, string Error) result, string expected)
    {
        Assert.Equal(ExitCodes.BadInput, result.Code);
        Assert.Equal("", result.Out);
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("probe: ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }
}
