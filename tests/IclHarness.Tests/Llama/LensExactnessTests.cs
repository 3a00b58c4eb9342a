using Probing.Gguf;
using Probing.IclHarness.Llama;
using Probing.IclHarness.Llama.Native;
using Xunit.Abstractions;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// The lens at the last layer against llama.cpp's own logits, for an unembedding of each common ggml type (every
/// other tensor F32, d_model 256 so K-quant super-blocks fit): the lens runs ggml's CPU kernels on the file's own
/// bytes, so with the same graph (RMSNorm fused with its gain, then mul_mat with the activations rounded to the
/// weight's vec_dot type) the logits must agree bit for bit where llama.cpp reads the weight as the file stores it.
/// </summary>
[Collection("llama")]
public sealed unsafe class LensExactnessTests(TinyModels models, ITestOutputHelper output)
{
    private const string Prompt = "(1, 5), (4, 11), (2, 7), (6,";

    // 49 characters + 3 specials = 52 tokens; 4 more make 56, a multiple of 8, the row count at which llama.cpp
    // repacks a Q4_K output matrix on AVX2 (so that case is exercised, not skipped).
    private const string Vocabulary = TinyLlamaConfig.DefaultVocabulary + "ABCD";

    [Theory]
    [InlineData(GgmlType.F32, 0.0)]
    [InlineData(GgmlType.F16, 0.0)]
    [InlineData(GgmlType.Q8_0, 0.0)]
    [InlineData(GgmlType.Q6_K, 0.0)]
    [InlineData(GgmlType.Q4_K, 1e-5)] // measured 2.4e-7: llama.cpp repacks Q4_K output matrices on AVX2 (ggml-cpu/repack.cpp); the lens reads the file's layout
    public void GivenAnUnembeddingOfOneType_WhenTheLastLayerIsReadByTheLens_ThenItEqualsLlamaCppsLogits(GgmlType type, double bound)
    {
        using var model = LlamaModel.Load(Build(type));
        var last = model.Info.LayerCount - 1;
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128, Threads = 2 });
        var tokens = model.Tokenize(Prompt);
        var lens = LogitLens.Create(model);

        // Every position is an output row, as in the harness: llama.cpp multiplies a many-row batch.
        var result = ctx.Evaluate(tokens, new EvaluationOptions { Capture = new CaptureRequest([last], [-1]) });
        var logits = lens.Logits(result.Capture!.Residual(last, tokens.Length - 1), 1);

        var worst = 0.0;
        for (var v = 0; v < logits.Length; v++) worst = Math.Max(worst, Math.Abs((double)logits[v] - result.LastLogits[v]));
        output.WriteLine($"{type}: max |lens - llama.cpp| = {worst:E3} over {logits.Length} logits (max |logit| {result.LastLogits.Max(Math.Abs):F3})");
        Assert.True(worst <= bound, $"{type}: the lens differs from llama.cpp by {worst:E3} > {bound:E0}");
    }

    private string Build(GgmlType outputType)
    {
        var path = Path.Combine(models.Folder, $"tiny-output-{outputType}.gguf");
        if (File.Exists(path)) return path;
        var config = new TinyLlamaConfig(NLayer: 2, NEmbd: 256, NHead: 4, NHeadKv: 2, NFf: 256, Vocabulary: Vocabulary, Seed: 5);
        var hyper = TinyLlamaBuilder.Hyperparameters(config);
        var writer = new GgufWriter().Add("general.name", $"tiny-output-{outputType}").Add("general.file_type", 0u);
        hyper.AddTo(writer);
        TinyLlamaBuilder.Vocabulary(config).AddTo(writer);
        var random = new Random(5);
        foreach (var (name, ne) in hyper.TensorShapes(tiedEmbeddings: false))
        {
            var values = new float[ne.Aggregate(1L, (p, d) => p * d)];
            var std = ne.Length == 1 ? 0.1 : name == "token_embd.weight" ? 1.0 : 1.0 / Math.Sqrt(ne[0]);
            for (var i = 0; i < values.Length; i++) values[i] = (float)((ne.Length == 1 ? 1 : 0) + std * (random.NextDouble() * 2 - 1) * Math.Sqrt(3));
            if (name != "output.weight" || outputType == GgmlType.F32) { writer.AddTensor(name, values, ne); continue; }
            LlamaLibrary.EnsureInitialized();
            var bytes = new byte[(int)GgmlNative.ggml_row_size((int)outputType, ne[0]) * (int)ne[1]];
            var quantize = (delegate* unmanaged[Cdecl]<float*, void*, long, void>)GgmlNative.ggml_get_type_traits((int)outputType)->from_float_ref;
            fixed (float* x = values)
            fixed (byte* y = bytes)
                quantize(x, y, values.Length);
            writer.AddTensorBytes(name, outputType, ne, bytes);
        }
        writer.Write(path);
        return path;
    }
}
