using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Probing.ToyModels.Export;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tests.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Export;

public sealed class GgufExporterTests
{
    private static HookedTransformerConfig Gpt2Style => TestConfigs.TwoLayerLn with { ActFn = "gelu_new" };

    private static HookedTransformer Randomized(HookedTransformerConfig cfg, ulong seed, bool keepBiasesZero)
    {
        var model = new HookedTransformer(cfg);
        ModelTestHelpers.RandomizeAll(model, seed);
        using var _ = no_grad();
        if (keepBiasesZero)
            foreach (var (name, p) in model.named_parameters())
                if (name[(name.LastIndexOf('.') + 1)..].StartsWith("b_", StringComparison.Ordinal)) p.zero_();
        model.unembed.b_U.zero_(); // llama.cpp has no output bias
        return model;
    }

    [Fact]
    public void GivenALlamaStyleModel_WhenDescribed_ThenNamesShapesAndHparamsAreLlamaCpps()
    {
        using var model = new HookedTransformer(TestConfigs.LlamaStyle);
        var export = GgufExporter.Describe(model, "toy");
        Assert.Equal("llama", export.Architecture);
        var shapes = export.Tensors.Select(t => $"{t.Name} [{string.Join(", ", t.Ne)}]").ToArray();
        string[] Block(int l) =>
        [
            $"blk.{l}.attn_norm.weight [8]", $"blk.{l}.attn_q.weight [8, 8]", $"blk.{l}.attn_k.weight [8, 8]",
            $"blk.{l}.attn_v.weight [8, 8]", $"blk.{l}.attn_output.weight [8, 8]", $"blk.{l}.ffn_norm.weight [8]",
            $"blk.{l}.ffn_gate.weight [8, 12]", $"blk.{l}.ffn_up.weight [8, 12]", $"blk.{l}.ffn_down.weight [12, 8]",
        ];
        Assert.Equal(["token_embd.weight [8, 7]", .. Block(0), .. Block(1), "output_norm.weight [8]", "output.weight [8, 7]"], shapes);
        Assert.All(export.Tensors, t => Assert.Equal(t.Ne.Aggregate(1L, (a, b) => a * b), t.Data.LongLength));
        var meta = export.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("llama", meta["general.architecture"]);
        Assert.Equal(2u, meta["llama.block_count"]);
        Assert.Equal(6u, meta["llama.context_length"]);
        Assert.Equal(8u, meta["llama.embedding_length"]);
        Assert.Equal(12u, meta["llama.feed_forward_length"]);
        Assert.Equal(2u, meta["llama.attention.head_count"]);
        Assert.Equal(4u, meta["llama.rope.dimension_count"]);
        Assert.Equal(10000f, meta["llama.rope.freq_base"]);
        Assert.Equal(1e-5f, meta["llama.attention.layer_norm_rms_epsilon"]);
        Assert.Equal(7, export.VocabularySize);

        using var tied = new HookedTransformer(TestConfigs.LlamaStyle with { TieEmbeddings = true });
        Assert.DoesNotContain(GgufExporter.Describe(tied).Tensors, t => t.Name == "output.weight");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void GivenALlamaStyleModel_WhenTheExportIsEvaluatedAsLlamaCppWould_ThenLogitsMatch(bool adjacentPairs, bool tied)
    {
        using var scope = NewDisposeScope();
        using var model = Randomized(TestConfigs.LlamaStyle with { RotaryAdjacentPairs = adjacentPairs, TieEmbeddings = tied }, 21, keepBiasesZero: true);
        AssertReferenceMatches(model);
    }

    [Fact]
    public void GivenAGpt2StyleModel_WhenTheExportIsEvaluatedAsLlamaCppWould_ThenLogitsMatch()
    {
        using var scope = NewDisposeScope();
        using var model = Randomized(Gpt2Style, 22, keepBiasesZero: false);
        var export = GgufExporter.Describe(model);
        Assert.Equal("gpt2", export.Architecture);
        Assert.Contains(export.Tensors, t => t.Name == "blk.1.attn_qkv.weight" && t.Ne.SequenceEqual([8L, 24]));
        Assert.Contains(export.Tensors, t => t.Name == "position_embd.weight" && t.Ne.SequenceEqual([8L, 6]));
        AssertReferenceMatches(model);
    }

    private static void AssertReferenceMatches(HookedTransformer model)
    {
        var tokens = new[] { 3, 1, 4, 1, 5, 6 };
        var expected = model.Run(tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Length])).squeeze(0); // [pos, vocab]
        var actual = new LlamaCppReference(GgufExporter.Describe(model)).Logits(tokens);
        double num = 0, den = 0;
        for (var p = 0; p < tokens.Length; p++)
            for (var v = 0; v < 7; v++)
            {
                var e = expected[p, v].item<float>();
                num += (e - actual[p][v]) * (e - actual[p][v]);
                den += e * e;
            }
        Assert.True(Math.Sqrt(num / den) < 1e-5, $"relative L2 {Math.Sqrt(num / den)}");
    }

    [Property(MaxTest = 200)]
    public bool GivenRandomQueriesAndKeys_WhenRowsArePermutedToAdjacentPairs_ThenRotatedScoresAreUnchanged(PositiveInt halfSeed, int seed, byte p1, byte p2)
    {
        var half = 1 + halfSeed.Get % 6;
        var d = 2 * half;
        var rng = new Random(seed);
        var q = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var k = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        static double[] RotateHalf(double[] x, int pos)
        {
            var h = x.Length / 2;
            var y = new double[x.Length];
            for (var i = 0; i < h; i++)
            {
                var t = pos * Math.Pow(10000, -2.0 * i / x.Length);
                y[i] = x[i] * Math.Cos(t) - x[i + h] * Math.Sin(t);
                y[i + h] = x[i + h] * Math.Cos(t) + x[i] * Math.Sin(t);
            }
            return y;
        }
        static double[] Adjacent(double[] x, int pos)
        {
            var y = new double[x.Length];
            for (var i = 0; i < x.Length / 2; i++)
            {
                var t = pos * Math.Pow(10000, -2.0 * i / x.Length);
                y[2 * i] = x[2 * i] * Math.Cos(t) - x[2 * i + 1] * Math.Sin(t);
                y[2 * i + 1] = x[2 * i + 1] * Math.Cos(t) + x[2 * i] * Math.Sin(t);
            }
            return y;
        }
        // Rows of one head with row length 1 are just the vector's entries.
        double[] Permute(double[] x) => GgufExporter.RotateHalfToAdjacentRows(x.Select(v => (float)v).ToArray(), 1, d, 1).Select(f => (double)f).ToArray();
        double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();
        var before = Dot(RotateHalf(q, p1), RotateHalf(k, p2));
        var after = Dot(Adjacent(Permute(q), p1), Adjacent(Permute(k), p2));
        return Math.Abs(before - after) < 1e-5 * (1 + Math.Abs(before));
    }

    [Fact]
    public void GivenUnsupportedConfigs_WhenClassified_ThenOneLineReasonsNameTheField()
    {
        Assert.Contains("rotary_dim", GgufExporter.Classify(TestConfigs.LlamaStyle with { RotaryDim = 2 }).Reason);
        Assert.Contains("attn_only", GgufExporter.Classify(TestConfigs.AttnOnly with { NormalizationType = "LN" }).Reason);
        Assert.Contains("d_model", GgufExporter.Classify(Gpt2Style with { DHead = 3 }).Reason);
        Assert.Contains("normalization_type", GgufExporter.Classify(TestConfigs.AttnOnly).Reason);
        using var model = new HookedTransformer(TestConfigs.LlamaStyle with { UseBias = true });
        using (no_grad()) model.blocks[0].attn.b_Q.fill_(0.5f);
        var ex = Assert.Throws<NotSupportedException>(() => GgufExporter.Describe(model));
        Assert.Contains("blocks.0.attn.b_Q", ex.Message);
    }
}
