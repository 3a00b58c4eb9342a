using LLama.Native;
using Probing.Gguf;
using Probing.IclHarness.Llama;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// llama.cpp hosted through LLamaSharp 0.30.0: the pitfalls found when moving onto it, each pinned by a test.
/// </summary>
[Collection("llama")]
public sealed class LlamaHostTests(TinyModels models)
{
    [Fact]
    public void GivenAModelLoadedAndEvaluated_WhenTheProcessMapsAreRead_ThenEachNativeLibraryIsLoadedOnceFromOneFolder()
    {
        var model = models.Get(GgmlType.Q8_0);
        using (var context = model.CreateContext(new LlamaContextOptions { ContextSize = 64 }))
            context.Evaluate(model.Tokenize("abc"), new EvaluationOptions { Capture = new CaptureRequest([0], [0]) });
        // Our own ggml-base import (dequantization) and ggml-cpu import (the lens's graph) must hit the same copies as llama.cpp's.
        GgmlDequantizer.Dequantize(model.Gguf, "token_embd.weight");
        LogitLens.Create(model).Logits(new float[model.Info.EmbeddingSize], 1);

        var libraries = LlamaHost.LoadedNativeLibraries();
        var byName = libraries.GroupBy(Path.GetFileName).ToDictionary(g => g.Key!, g => g.ToArray());
        foreach (var name in new[] { "libllama.so", "libggml.so", "libggml-base.so", "libggml-cpu.so" })
        {
            Assert.True(byName.TryGetValue(name, out var copies), $"{name} is not loaded: {string.Join(", ", libraries)}");
            Assert.Single(copies);
        }
        Assert.Single(libraries.Select(Path.GetDirectoryName).Distinct());
        Assert.Equal(Path.GetDirectoryName(LlamaLibrary.Host.LibraryPath), Path.GetDirectoryName(libraries[0]));
    }

    [Fact]
    public void GivenTheCpuBuild_WhenTheHostIsDescribed_ThenItNamesPackageVariantCommitAndDevice()
    {
        var host = LlamaLibrary.Host;
        Assert.Equal("LLamaSharp 0.30.0", host.Binding);
        Assert.Equal("LLamaSharp.Backend.Cpu 0.30.0", host.BackendPackage);
        Assert.Equal("c0c7e147e7efa6c5858754b47259ba4880f8a906", host.LlamaCppCommit);
        Assert.Contains(host.Variant, new[] { "avx512", "avx2", "avx", "noavx" });
        Assert.Contains("CPU", host.Devices);
        Assert.Null(LlamaLibrary.CudaProblem(LlamaLibrary.Backend, host));
    }

    [Fact]
    public void GivenACudaBuildWithoutACudaDevice_WhenChecked_ThenOneLineRefusesInsteadOfRunningOnTheCpu()
    {
        var cpuOnly = LlamaLibrary.Host with { Devices = ["CPU"] };
        var problem = LlamaLibrary.CudaProblem("cuda", cpuOnly);
        Assert.NotNull(problem);
        Assert.DoesNotContain('\n', problem.Message);
        Assert.Contains("no CUDA device", problem.Message);
        Assert.Null(LlamaLibrary.CudaProblem("cuda", cpuOnly with { Devices = ["CUDA0", "CPU"] }));
    }

    [Fact]
    public void GivenNoLibgomp_WhenLoadingFails_ThenTheLineNamesTheLibraryAndTheFix()
    {
        var generic = new TypeInitializationException("LLama.Native.NativeApi", new Exception("The native library cannot be correctly loaded."));
        var explained = LlamaLibrary.Explain(generic, library => library != "libgomp.so.1");
        Assert.IsType<DllNotFoundException>(explained);
        Assert.DoesNotContain('\n', explained.Message);
        Assert.Contains("libgomp.so.1", explained.Message);
        Assert.Contains("apt-get install libgomp1", explained.Message);
        // With libgomp present the same failure is not blamed on it.
        Assert.DoesNotContain("libgomp", LlamaLibrary.Explain(generic, _ => true).Message);
    }

    [Fact]
    public void GivenLlamaCppStarted_WhenLLamaSharpDefaultsAreRead_ThenTheyAreTheLibrarysDefaults()
    {
        // LLamaModelParams.Default() before the library is loaded throws DllNotFoundException; EnsureInitialized loads it first.
        LlamaLibrary.EnsureInitialized();
        Assert.Equal(-1, LLamaModelParams.Default().n_gpu_layers);
        var context = LLamaContextParams.Default();
        Assert.Equal(512u, context.n_ubatch);
        Assert.Equal(GGMLType.GGML_TYPE_F16, context.type_k);
    }

    [Theory]
    [InlineData(GgmlType.F32, "all F32")]
    [InlineData(GgmlType.F16, "F16")]
    [InlineData(GgmlType.Q8_0, "Q8_0")]
    public void GivenAModel_WhenItsFileTypeIsNamed_ThenOurImportReturnsLlamaCppsNameWithoutCrashing(GgmlType type, string expected) =>
        // LLamaSharp's NativeApi.llama_ftype_name frees llama.cpp's constant string and kills the process.
        Assert.Equal(expected, models.Get(type).Info.QuantType);

    [Fact]
    public void GivenAVocabularyOnlyLoad_WhenUsed_ThenTokenizationWorksAndAContextIsRefused()
    {
        using var vocabulary = LlamaModel.LoadVocabulary(models.PathOf(GgmlType.F32));
        var full = models.Get(GgmlType.F32);
        Assert.True(vocabulary.IsVocabularyOnly);
        Assert.Equal(full.Tokenize("(1, 5), (4,"), vocabulary.Tokenize("(1, 5), (4,"));
        Assert.Equal(full.TokenToPiece(5), vocabulary.TokenToPiece(5));
        var refusal = Assert.Throws<NotSupportedException>(() => vocabulary.CreateContext());
        Assert.Contains("vocabulary only", refusal.Message);
    }

    [Fact]
    public void GivenAnArchitectureUnknownToLLamaSharpsLlamaCpp_WhenLoaded_ThenOneLineNamesItAndTheVersion()
    {
        var path = Path.Combine(models.Folder, "kimi-k3.gguf");
        TinyLlamaBuilder.Build(TinyModels.Config(GgmlType.F32)).Add(GgufFile.ArchitectureKey, "kimi_k3").Write(path);
        var ex = Assert.Throws<InvalidDataException>(() => LlamaModel.Load(path));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("'kimi_k3'", ex.Message);
        Assert.Contains("LLamaSharp 0.30.0", ex.Message);
    }
}
