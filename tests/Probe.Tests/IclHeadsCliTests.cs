using Probing.Cli;
using Probing.Gguf;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary><c>probe icl heads</c> end to end through ProbeApp.Run on generated tiny models (F32 and Q8_0, grouped-query attention).</summary>
public sealed class IclHeadsCliTests : IClassFixture<IclHeadsCliTests.TinyModels>
{
    private readonly TinyModels _models;

    public IclHeadsCliTests(TinyModels models) => _models = models;

    public sealed class TinyModels : IDisposable
    {
        public TinyModels()
        {
            Folder = Path.Combine(Path.GetTempPath(), "probing-icl-heads-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(Folder);
            TinyLlamaConfig Config(GgmlType type) => new(NLayer: 2, NEmbd: 64, NHead: 4, NHeadKv: 2, NFf: 64, NCtx: 256,
                Vocabulary: "0123456789(),-> :\nIOabcdefghijklmnopqrstuvwxyz", TensorType: type, Seed: 5);
            F32 = TinyLlamaBuilder.Write(Config(GgmlType.F32), Path.Combine(Folder, "f32.gguf"));
            Q8 = TinyLlamaBuilder.Write(Config(GgmlType.Q8_0), Path.Combine(Folder, "q8.gguf"));
        }

        public string Folder { get; }

        public string F32 { get; }

        public string Q8 { get; }

        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        }
    }

    private static string[] Args(string model, string outDir, params string[] extra) =>
        ["icl", "heads", "--task", "2x+3", "--model", model, "--examples", "3", "--contexts", "2", "--threads", "1", "--out", outDir, .. extra];

    [Fact]
    public void GivenATinyGqaModel_WhenHeadsRun_ThenEveryHeadOfEveryAnswerIsWrittenAndCompletenessPassed()
    {
        var dir = Path.Combine(_models.Folder, "f32");
        var (code, output, error) = Run(Args(_models.F32, dir));

        Assert.True(code == ExitCodes.Ok, error);
        var lines = File.ReadAllLines(Path.Combine(dir, "heads.csv"));
        Assert.Equal("context,example,layer,head,attribution", lines[0]);
        Assert.Equal(2 * 3 * 2 * 4, lines.Length - 1);
        using var run = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "run.json")));
        var completeness = run.RootElement.GetProperty("completeness");
        Assert.True(completeness.GetProperty("passed").GetBoolean());
        Assert.Equal(1e-4, completeness.GetProperty("tolerance").GetDouble());
        Assert.True(completeness.GetProperty("worst_attention_error").GetDouble() < 1e-5);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "layers.csv")).Length);
        Assert.True(File.Exists(Path.Combine(dir, "heads.png")));
        Assert.Contains("## Top heads", File.ReadAllText(Path.Combine(dir, "report.md")));
        Assert.Contains("top heads (mean attribution, logits): L", output);
    }

    [Fact]
    public void GivenTheSameSeed_WhenHeadsRunTwice_ThenTheCsvFilesAreByteIdentical()
    {
        var (a, b) = (Path.Combine(_models.Folder, "same-a"), Path.Combine(_models.Folder, "same-b"));
        Assert.Equal(ExitCodes.Ok, Run(Args(_models.Q8, a, "--no-plots", "--tolerance", "0.5")).Code);
        Assert.Equal(ExitCodes.Ok, Run(Args(_models.Q8, b, "--no-plots", "--tolerance", "0.5")).Code);
        foreach (var file in new[] { "heads.csv", "sites.csv", "layers.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
    }

    [Fact]
    public void GivenAQuantizedModelAndATolerateBelowItsRounding_WhenHeadsRun_ThenOneLineErrorNamesTheErrorAndExit2()
    {
        var (code, _, error) = Run(Args(_models.Q8, Path.Combine(_models.Folder, "q8-tight"), "--tolerance", "1e-9"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does not add up", error);
        Assert.Contains("q8_0 attn_output.weight", error, StringComparison.OrdinalIgnoreCase);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--baseline", "tokens", "--baseline 'tokens'")]
    [InlineData("--tolerance", "2", "--tolerance")]
    [InlineData("--cap", "-1", "--cap")]
    public void GivenBadInput_WhenHeadsRun_ThenOneLineErrorAndExit2(string option, string value, string expected)
    {
        var (code, _, error) = Run(Args(_models.F32, Path.Combine(_models.Folder, "bad"), option, value));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
