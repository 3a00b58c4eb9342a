using Probing.Cli;
using Probing.Gguf;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

public sealed class ToyExportGgufCliTests
{

    [Fact]
    public void GivenALlamaStyleCheckpoint_WhenExported_ThenTheGgufHasLlamaTensorsAndTheTaskVocabulary()
    {
        var folder = Directory.CreateTempSubdirectory("toy-gguf-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            var gguf = Path.Combine(folder.FullName, "copy.gguf");
            Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "llama", "--steps", "2", "--out", run).Code);

            var (code, output, error) = Run("toy", "export-gguf", "--checkpoint", run, "--out", gguf);

            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("architecture llama", output);
            using var file = GgufReader.Open(gguf);
            Assert.Equal("llama", file.Architecture);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                file.GetArray<string>("tokenizer.ggml.tokens"));
            Assert.NotNull(file.FindTensor("token_embd.weight"));
            Assert.NotNull(file.FindTensor("blk.1.ffn_gate.weight"));
            Assert.Equal(2u, file.GetUInt32("llama.block_count"));
            Assert.Empty(Directory.GetFiles(folder.FullName, "*.tmp"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenAnExportedCopyCheckpoint_WhenItsOwnSymbolsAreTokenizedAndLensed_ThenLlamaCppRunsThemAndASpaceIsRefusedInOneLine()
    {
        // The export's SPM vocabulary is the task's ten digits with add_space_prefix false and no "▁": llama.cpp
        // tokenizes "123" without a leading space, so nothing must ask for one.
        var folder = Directory.CreateTempSubdirectory("toy-gguf-tokenize-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            var gguf = Path.Combine(folder.FullName, "copy.gguf");
            Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "llama", "--steps", "2", "--out", run).Code);
            Assert.Equal(ExitCodes.Ok, Run("toy", "export-gguf", "--checkpoint", run, "--out", gguf).Code);

            var (code, output, error) = Run("model", "tokenize", "--model", gguf, "123");
            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("3 tokens", output);
            Assert.Matches(@"0\s+1\s+'1'", output);
            Assert.Matches(@"2\s+3\s+'3'", output);

            var lens = Run("lens", "--model", gguf, "--prompt", "123", "--threads", "1", "--out", Path.Combine(folder.FullName, "lens"));
            Assert.True(lens.Code == ExitCodes.Ok, lens.Error);
            Assert.True(File.Exists(Path.Combine(folder.FullName, "lens", "lens.csv")));

            var spaced = Run("model", "tokenize", "--model", gguf, "1 2");
            Assert.Equal(ExitCodes.BadInput, spaced.Code);
            Assert.Single(spaced.Error.TrimEnd().Split('\n'));
            Assert.Contains("' ' (U+0020)", spaced.Error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenAFolderOrAMissingFolderAsOut_WhenExported_ThenOneLineNamingOutAndExitCode2()
    {
        var folder = Directory.CreateTempSubdirectory("toy-gguf-out-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "llama", "--steps", "1", "--out", run).Code);

            var intoFolder = Run("toy", "export-gguf", "--checkpoint", run, "--out", folder.FullName);
            var intoNowhere = Run("toy", "export-gguf", "--checkpoint", run, "--out", Path.Combine(folder.FullName, "no", "m.gguf"));

            Assert.Equal(ExitCodes.BadInput, intoFolder.Code);
            Assert.Equal($"probe: --out '{folder.FullName}' is a folder; pass the GGUF file to write, such as '{Path.Combine(folder.FullName, "model.gguf")}'.", intoFolder.Error.TrimEnd());
            Assert.Equal(ExitCodes.BadInput, intoNowhere.Code);
            Assert.Single(intoNowhere.Error.TrimEnd().Split('\n'));
            Assert.Contains("does not exist", intoNowhere.Error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void GivenAMissingCheckpoint_WhenExported_ThenOneLineAndExitCode2()
    {
        var (code, _, error) = Run("toy", "export-gguf", "--checkpoint", "/no/such/run", "--out", "/tmp/x.gguf");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
