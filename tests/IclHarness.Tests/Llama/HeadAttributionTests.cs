using Probing.Gguf;
using Probing.IclHarness.Llama;
using Probing.IclHarness.Llama.Native;
using Xunit.Abstractions;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// Per-head direct logit attribution against llama.cpp's own activations: the heads (each a slice of
/// attn_output.weight applied to its slice of kqv_out) must rebuild ffn_inp-N − l_out-(N−1), the components the
/// final residual, and the attributions the logit difference of result_norm. The tiny models have grouped-query
/// attention (4 query heads, 2 KV heads).
/// </summary>
[Collection("llama")]
public sealed unsafe class HeadAttributionTests(TinyModels models, ITestOutputHelper output)
{
    private const string Prompt = "(1, 5), (4, 11), (2, 7), (6, 15), (3,";
    private static readonly int[] Digits = "0123456789".Select(c => TinyLlamaBuilder.Vocabulary(TinyModels.Config(GgmlType.F32)).Tokens.ToList().IndexOf(c.ToString())).ToArray();

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    public void GivenAGqaModel_WhenHeadsAreAttributed_ThenTheyRebuildLlamaCppsAttentionResidualAndLogits(GgmlType type)
    {
        var model = models.Get(type);
        var (attribution, _) = Attribute(model, microBatch: 512);

        var c = attribution.Completeness;
        output.WriteLine($"{type}: attention {c.WorstAttentionError:E2}, residual {c.WorstResidualError:E2}, logit {c.WorstLogitError:E2}");
        Assert.True(c.Passed, $"{type}: attention {c.WorstAttentionError:E2} (layer {c.WorstAttentionLayer}), residual {c.WorstResidualError:E2}, logit {c.WorstLogitError:E2}, tolerance {c.Tolerance:E0}");
        Assert.Equal(DirectLogitAttribution.DefaultTolerance(type), c.Tolerance);
        Assert.Equal([4, 4, 4], attribution.HeadCounts);
        Assert.Contains(attribution.Heads.SelectMany(h => h), a => Math.Abs(a) > 1e-3);
        if (type == GgmlType.F32) Assert.True(c.WorstError < 1e-5, $"F32 should agree to float rounding, got {c.WorstError:E2}");
    }

    [Fact]
    public void GivenSeveralUbatches_WhenCaptured_ThenEachSiteGetsItsOwnRows()
    {
        var model = models.Get(GgmlType.F32);
        var (one, _) = Attribute(model, microBatch: 512);
        var (split, _) = Attribute(model, microBatch: 7); // every sequence spans several ubatch graphs

        Assert.True(split.Completeness.Passed);
        for (var l = 0; l < one.Heads.Length; l++)
            for (var i = 0; i < one.Heads[l].Length; i++)
                Assert.Equal(one.Heads[l][i], split.Heads[l][i], 1e-5);
    }

    [Fact]
    public void GivenAttentionBiases_WhenHeadsAreAttributed_ThenBOIsItsOwnComponentAndTheSumsStillClose()
    {
        var path = Path.Combine(models.Folder, "tiny-bias.gguf");
        var config = TinyModels.Config(GgmlType.F32);
        var writer = TinyLlamaBuilder.Build(config);
        var random = new Random(3);
        float[] Noise(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var headSize = config.NEmbd / config.NHead;
        for (var l = 0; l < config.NLayer; l++)
        {
            writer.AddTensor($"blk.{l}.attn_q.bias", Noise(config.NEmbd), [config.NEmbd]);
            writer.AddTensor($"blk.{l}.attn_k.bias", Noise(config.NHeadKv * headSize), [config.NHeadKv * headSize]);
            writer.AddTensor($"blk.{l}.attn_v.bias", Noise(config.NHeadKv * headSize), [config.NHeadKv * headSize]);
            writer.AddTensor($"blk.{l}.attn_output.bias", Noise(config.NEmbd), [config.NEmbd]);
        }
        writer.Write(path);
        using var model = LlamaModel.Load(path);

        var (attribution, _) = Attribute(model, microBatch: 512);

        Assert.True(attribution.Completeness.Passed, $"worst error {attribution.Completeness.WorstError:E2}");
        Assert.Contains(attribution.AttentionBias, b => Math.Abs(b) > 1e-4);
    }

    [Fact]
    public void GivenAKQuantOutputProjection_WhenHeadsAreAttributed_ThenItsSlicesAreDecodedByGgmlAndTheSumsClose()
    {
        // attn_output.weight as Q4_K (256-value super-blocks, so a head's 64 columns are not block-aligned),
        // quantized by ggml's own reference quantizer; every other tensor F32.
        var path = Path.Combine(models.Folder, "tiny-q4k-wo.gguf");
        var config = new TinyLlamaConfig(NLayer: 2, NEmbd: 256, NHead: 4, NHeadKv: 2, NFf: 256, Seed: 11);
        var hyper = TinyLlamaBuilder.Hyperparameters(config);
        var writer = new GgufWriter().Add("general.name", "tiny-q4k-wo").Add("general.file_type", 0u);
        hyper.AddTo(writer);
        TinyLlamaBuilder.Vocabulary(config).AddTo(writer);
        var random = new Random(11);
        foreach (var (name, ne) in hyper.TensorShapes(tiedEmbeddings: false))
        {
            var values = new float[ne.Aggregate(1L, (p, d) => p * d)];
            var std = ne.Length == 1 ? 0.1 : name == "token_embd.weight" ? 1.0 : 1.0 / Math.Sqrt(ne[0]);
            for (var i = 0; i < values.Length; i++) values[i] = (float)((ne.Length == 1 ? 1 : 0) + std * (random.NextDouble() * 2 - 1) * Math.Sqrt(3));
            if (!name.EndsWith("attn_output.weight", StringComparison.Ordinal)) { writer.AddTensor(name, values, ne); continue; }
            LlamaLibrary.EnsureInitialized();
            var bytes = new byte[(int)GgmlNative.ggml_row_size((int)GgmlType.Q4_K, ne[0]) * (int)ne[1]];
            var quantize = (delegate* unmanaged[Cdecl]<float*, void*, long, void>)GgmlNative.ggml_get_type_traits((int)GgmlType.Q4_K)->from_float_ref;
            fixed (float* x = values)
            fixed (byte* y = bytes)
                quantize(x, y, values.Length);
            writer.AddTensorBytes(name, GgmlType.Q4_K, ne, bytes);
        }
        writer.Write(path);
        using var model = LlamaModel.Load(path);

        var (attribution, _) = Attribute(model, microBatch: 512);

        var c = attribution.Completeness;
        output.WriteLine($"Q4_K W_O: attention {c.WorstAttentionError:E2}, residual {c.WorstResidualError:E2}, logit {c.WorstLogitError:E2}");
        Assert.Equal(DirectLogitAttribution.DefaultTolerance(GgmlType.Q4_K), c.Tolerance);
        Assert.True(c.Passed, $"worst error {c.WorstError:E2}");
        Assert.True(c.WorstAttentionError > 1e-6, "ggml quantizes the activation for a Q4_K matmul, so the sums cannot agree to F32 rounding");
    }

    [Fact]
    public void GivenACapture_WhenKqvOutIsRequested_ThenEachRowIsNHeadTimesDHeadWideAndEveryLayerIsThere()
    {
        var model = models.Get(GgmlType.F32);
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128, Threads = 1 });
        var tokens = model.Tokenize(Prompt);
        var request = DirectLogitAttribution.Create(model).Request([3, -1]);
        var capture = ctx.Evaluate(tokens, new EvaluationOptions { Capture = request, AllPositions = false }).Capture!;

        for (var l = 0; l < model.Info.LayerCount; l++)
        {
            Assert.Equal(64, capture.Activation(GraphActivation.KqvOut, l, 3).Length);
            Assert.Contains(capture.Activation(GraphActivation.FfnInp, l, tokens.Length - 1).ToArray(), v => v != 0);
        }
        Assert.Contains(capture.Activation(GraphActivation.InpEmbd, 0, 3).ToArray(), v => v != 0);
        Assert.Throws<ArgumentException>(() => capture.Activation(GraphActivation.KqvOut, 0, 5).Length);
    }

    /// <summary>Two sequences, a site before every digit after ", ", the other digits as baseline.</summary>
    private static (LogitAttribution Attribution, int Sites) Attribute(LlamaModel model, int microBatch)
    {
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1, SequenceCount = 2, MicroBatchSize = microBatch });
        var dla = DirectLogitAttribution.Create(model);
        var prompts = new[] { Prompt, "(7, 3), (2, 9), (8, 1)" };
        var inputs = prompts.Select((p, i) =>
        {
            var tokens = model.Tokenize(p);
            var positions = Enumerable.Range(0, tokens.Length - 1).Where(k => Digits.Contains(tokens[k + 1])).ToArray();
            return new SequenceInput(tokens, i) { OutputPositions = positions };
        }).ToArray();
        var results = ctx.Evaluate(inputs, new EvaluationOptions { Capture = dla.Request(), AllPositions = false });
        var sites = new List<AttributionSite>();
        for (var i = 0; i < inputs.Length; i++)
            foreach (var p in inputs[i].OutputPositions!)
                sites.Add(new AttributionSite(results[i].Capture!, p, inputs[i].Tokens[p + 1], Digits));
        return (dla.Attribute(sites), sites.Count);
    }
}
