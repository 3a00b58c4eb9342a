using Probing.Gguf;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Tests.Llama;

[Collection("llama")]
public sealed class LensTests(TinyModels models)
{
    private const string Prompt = "(1, 5), (4, 11), (2, 7), (6,";

    // The lens runs llama.cpp's final norm and LM head as a ggml graph on the same CPU kernels and the file's own
    // bytes (activations rounded to F16 for F16 weights, to Q8_0 for Q8_0 weights, as llama.cpp rounds them), so the
    // logits agree to the last bit; the managed F32 lens it replaced was off by 1.1e-7 (F32), 1.6e-4 (F16), 5.5e-3 (Q8_0).
    [Theory]
    [InlineData(GgmlType.F32, false)]
    [InlineData(GgmlType.F32, true)]
    [InlineData(GgmlType.F16, false)]
    [InlineData(GgmlType.Q8_0, false)]
    public void GivenTheLastLayersResidual_WhenReadByTheLens_ThenItEqualsLlamaCppsLogits(GgmlType type, bool tied)
    {
        var model = models.Get(type, tied);
        var last = model.Info.LayerCount - 1;
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128, Threads = 1 });
        var tokens = model.Tokenize(Prompt);
        var lens = LogitLens.Create(model);
        Assert.Equal(tied, lens.TiedEmbeddings);

        var result = ctx.Evaluate(tokens, new EvaluationOptions { Capture = new CaptureRequest([last], [-1]) });
        var lensLogits = lens.Apply(result.Capture!).LogitsAt(last, tokens.Length - 1).ToArray();

        Assert.Equal(result.LastLogits, lensLogits);
    }

    // ggml multiplies a lone row with vec_dot and several with llamafile's tiled kernel (another summation order), and
    // splits the work by thread: neither may change a row's logits.
    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    public void GivenEveryLayerAndPosition_WhenReadByTheLens_ThenOneProductGivesTheSameRowsAsSeparateCalls(GgmlType type)
    {
        var model = models.Get(type);
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128, Threads = 1 });
        var tokens = model.Tokenize(Prompt);
        var capture = ctx.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(model.Info.LayerCount) }).Capture!;
        var lens = LogitLens.Create(model, threads: 2);
        var single = LogitLens.Create(model, threads: 1);

        var all = lens.Apply(capture);
        var pair = single.Logits(capture.Residuals.AsSpan(0, 2 * model.Info.EmbeddingSize), 2);
        Assert.Equal(all.Logits.AsSpan(0, pair.Length).ToArray(), pair);

        Assert.Equal(model.Info.LayerCount * tokens.Length * model.Info.VocabularySize, all.Logits.Length);
        foreach (var (layer, position) in new[] { (0, 0), (1, 7), (2, tokens.Length - 1) })
        {
            var alone = lens.Logits(capture.Residual(layer, position), 1);
            Assert.Equal(alone, all.LogitsAt(layer, position).ToArray());
        }
        var top = all.Top(1, 7, 3);
        Assert.Equal(3, top.Length);
        Assert.True(top[0].LogProb >= top[1].LogProb && top[1].LogProb >= top[2].LogProb);
        Assert.Equal(top[0].LogProb, all.LogProb(1, 7, top[0].Id), 1e-9);
    }

    [Theory]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    public void GivenAQuantizedTensor_WhenDequantizedByGgml_ThenItMatchesTheManagedDecoder(GgmlType type)
    {
        var model = models.Get(type);
        var fromGgml = GgmlDequantizer.Dequantize(model.Gguf, "blk.0.attn_q.weight");
        var managed = model.Gguf.ReadTensorFloats("blk.0.attn_q.weight");
        Assert.Equal(managed, fromGgml);
    }

    [Fact]
    public void GivenAnArchitectureTheLensDoesNotKnow_WhenALensIsCreated_ThenItRefusesButEvaluationStillWorks()
    {
        var path = Path.Combine(models.Folder, "tiny-xverse.gguf");
        var config = TinyModels.Config(GgmlType.F32);
        var writer = TinyLlamaBuilder.Build(config).Add(GgufFile.ArchitectureKey, "xverse");
        var hyper = TinyLlamaBuilder.Hyperparameters(config);
        new LlamaHyperparameters(hyper.NLayer, hyper.NEmbd, hyper.NHead, hyper.NHeadKv, hyper.NFf, hyper.NCtx, hyper.NVocab, hyper.RmsNormEps, hyper.RopeFreqBase)
            .AddTo(new GgufWriter()); // validates
        foreach (var (key, value) in new (string, object)[]
                 {
                     ("xverse.context_length", (uint)hyper.NCtx), ("xverse.embedding_length", (uint)hyper.NEmbd),
                     ("xverse.block_count", (uint)hyper.NLayer), ("xverse.feed_forward_length", (uint)hyper.NFf),
                     ("xverse.attention.head_count", (uint)hyper.NHead), ("xverse.attention.head_count_kv", (uint)hyper.NHeadKv),
                     ("xverse.rope.dimension_count", (uint)hyper.HeadDim), ("xverse.attention.layer_norm_rms_epsilon", hyper.RmsNormEps),
                 })
            writer.Add(key, value);
        writer.Write(path);
        using var model = LlamaModel.Load(path);

        var ex = Assert.Throws<NotSupportedException>(() => LogitLens.Create(model));
        Assert.Contains("'xverse'", ex.Message);
        Assert.Contains("Lens = false", ex.Message);
        Assert.Equal(["Lens = false"], OptionNames.In(ex));
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 64, Threads = 1 });
        Assert.All(ctx.Evaluate(model.Tokenize("(1, 2)")).NextTokenLogProbs, lp => Assert.True(lp < 0));
    }
}
