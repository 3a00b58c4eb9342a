using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Patching;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Tests.RealTokenizers;

[Collection("real-tokenizers")]
public sealed class ArchitectureTests(RealTokenizerModels models)
{
    private string Build(string arch, string vocab, float? softcap = null)
    {
        var path = Path.Combine(models.Folder, $"tiny-{arch}-{vocab}-{softcap}.gguf");
        if (File.Exists(path)) return path;
        using var tokenizer = GgufReader.Open(LlamaVocabFiles.PathOf(vocab));
        return OtherArchitectures.Write(arch, tokenizer, path, softcap);
    }

    [Theory]
    [InlineData("phi3", "phi-3", null, 0f)]
    [InlineData("gemma2", "llama-spm", null, 30f)]
    [InlineData("gemma2", "llama-spm", 5f, 5f)]
    [InlineData("gemma3", "llama-spm", null, 0f)]
    [InlineData("gemma3", "llama-spm", 2f, 2f)]
    public void GivenAnArchitectureWithItsOwnFinalNorm_WhenTheLastLayerIsReadByTheLens_ThenItEqualsLlamaCppsLogits(string arch, string vocab, float? fileCap, float cap)
    {
        using var model = LlamaModel.Load(Build(arch, vocab, fileCap));
        var lens = LogitLens.Create(model);
        Assert.Equal(cap, lens.Softcap);
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1 });
        var tokens = model.Tokenize("(1, 5), (4, 11), (2,");
        var last = model.Info.LayerCount - 1;
        var result = context.Evaluate(tokens, new EvaluationOptions { Capture = new CaptureRequest([last], [-1]) });
        var lensLogits = lens.Apply(result.Capture!).LogitsAt(last, tokens.Length - 1).ToArray();
        var expected = result.LastLogits;
        // The same ggml graph as llama.cpp's (phi3's output.bias, Gemma's scale-tanh-scale) on the same kernels: bit for bit.
        Assert.Equal(expected, lensLogits);
        if (cap > 0) Assert.All(expected, v => Assert.InRange(v, -cap, cap));
    }

    [Theory]
    [InlineData("phi3", "phi-3")]
    [InlineData("gemma2", "llama-spm")]
    public void GivenPhi3OrGemma2_WhenIclAndPatchRun_ThenTheyMeasureWithTheLens(string arch, string vocab)
    {
        var path = Build(arch, vocab);
        using var model = LlamaModel.Load(path);
        using var scoring = new LlamaScoringModel(model, ownsModel: false, threads: 1);
        var identity = IclHarnessRun.Identity(path, scoring);
        var result = IclRunner.Run(scoring, identity, ScoringTests.Options(shots: [0]) with { Lens = true }, null, CancellationToken.None);
        Assert.Equal(12, result.Examples.Count);
        Assert.Equal(2 * 6 * 2, result.Lens.Count);
        var patch = IclPatcher.Run(scoring, identity, new IclPatchOptions(TaskParser.Parse("2x+3"), TaskParser.Parse("3x+1"),
            PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory), Examples: 3), null, CancellationToken.None);
        Assert.Equal(3, patch.Rows.Count);
    }

    [Fact]
    public void GivenAnArchitectureTheLensDoesNotKnow_WhenRunWithoutTheLens_ThenIclAndPatchMeasureAndTheLensSaysToPassNoLens()
    {
        var path = Build("granite", "llama-bpe");
        using var model = LlamaModel.Load(path);
        Assert.False(LogitLens.Supports("granite"));
        using var scoring = new LlamaScoringModel(model, ownsModel: false, threads: 1);
        var identity = IclHarnessRun.Identity(path, scoring);
        var options = ScoringTests.Options(shots: [0, 1]);
        var result = IclRunner.Run(scoring, identity, options, null, CancellationToken.None);
        Assert.Equal(12, result.Examples.Count);
        Assert.Equal(4, result.Sweep.Count(p => p.Shots == 0));
        var patch = IclPatcher.Run(scoring, identity, new IclPatchOptions(TaskParser.Parse("2x+3"), TaskParser.Parse("3x+1"),
            PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory), Examples: 3), null, CancellationToken.None);
        Assert.Equal(model.Info.LayerCount + 1, patch.Rows.Count);
        var ex = Assert.Throws<NotSupportedException>(() => IclRunner.Run(scoring, identity, options with { Lens = true }, null, CancellationToken.None));
        Assert.Contains("'granite'", ex.Message);
        Assert.Contains("Lens = false", ex.Message);
        Assert.Equal(["Lens = false"], OptionNames.In(ex));
    }
}
