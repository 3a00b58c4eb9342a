using Probing.ToyModels.Analysis;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks.BetaBernoulli;
using Probing.ToyModels.Tasks.PreviousToken;

namespace Probing.ToyModels.Tests.BetaBernoulli;

public sealed class HookedTransformerAdapterTests
{
    private static HookedTransformerConfig Bottleneck(int nCtx) => new()
    {
        NLayers = 1, NHeads = 1, DModel = 2, DHead = 1, DMlp = 16, DVocab = 3, NCtx = nCtx,
        ActFn = "gelu", NormalizationType = null, PositionalEmbeddingType = "fixed", FixedPosEmbed = "log", Seed = 11,
    };

    [Fact]
    public void GivenABottleneckTransformer_WhenAdapted_ThenVectorHooksAndWidthsFollowTransformerLens()
    {
        using var model = new HookedTransformer(Bottleneck(6));
        var adapter = new HookedTransformerSequenceModel(model);
        Assert.Contains("blocks.0.attn.hook_z", adapter.VectorHooks);
        Assert.Contains("blocks.0.hook_resid_post", adapter.VectorHooks);
        Assert.DoesNotContain("blocks.0.attn.hook_pattern", adapter.VectorHooks);
        var run = adapter.Run([2, 0, 1, 1, 2, 1, 1, 0], 2, 4, ["blocks.0.attn.hook_z", "blocks.0.hook_resid_post", "hook_pos_embed"]);
        Assert.Equal(2 * 4 * 3, run.Logits.Length);
        Assert.Equal(1, run.Activations["blocks.0.attn.hook_z"].Width);
        Assert.Equal(2, run.Activations["blocks.0.hook_resid_post"].Width);
        // The log embedding: last dimension ln(p + 1), the same for both sequences.
        var pos = run.Activations["hook_pos_embed"].Values;
        Assert.Equal(Math.Log(3), pos[2 * 2 + 1], 5);
        Assert.Equal(pos[2 * 2 + 1], pos[(4 + 2) * 2 + 1], 6);
    }

    [Fact]
    public void GivenAnUntrainedTransformer_WhenComparingExactAndSampledLoss_ThenTheyAgreeAndLossMinusBayesIsTheKl()
    {
        var data = new BetaBernoulliDataOptions { NCtx = 8, Bos = true };
        using var model = new HookedTransformer(Bottleneck(8));
        var adapter = new HookedTransformerSequenceModel(model);
        var reference = new BetaBernoulliReference(data);
        var exact = ExactLossAnalysis.Run(BetaBernoulliCollector.Enumerate(adapter, data, 7, 3, []), reference);
        Assert.Equal(exact.MeanModelLoss - exact.MeanBayesLoss, exact.MeanKl, 5);

        var batch = new BetaBernoulliSampler(data).Sample(20000, new Random(3));
        var run = adapter.Run(batch.Tokens, batch.Batch, data.NCtx, []);
        var sampled = BetaBernoulliMetrics.Evaluate(batch, run.Logits, 3, reference);
        Assert.InRange(sampled.LossNats, exact.MeanModelLoss - 0.01, exact.MeanModelLoss + 0.01);
        Assert.InRange(sampled.KlToBayesNats, exact.MeanKl * 0.9 - 0.002, exact.MeanKl * 1.1 + 0.002);
    }

    [Fact]
    public void GivenATinyPreviousTokenModel_WhenAnalysing_ThenEveryFileIsWrittenAndHeadLabelsMatch()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pt-analysis-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = new PreviousTokenDataOptions { Vocab = 5, NCtx = 6, Bos = true };
            using var model = new HookedTransformer(new HookedTransformerConfig
            {
                NLayers = 2, NHeads = 2, DModel = 8, DHead = 4, DMlp = 16, DVocab = 6, NCtx = 6,
                ActFn = "gelu", NormalizationType = "LN", PositionalEmbeddingType = "none", Seed = 5,
            });
            var result = PreviousTokenAnalyzer.Compute(model, data, 64, 1, ["tiny"]);
            Assert.False(Directory.Exists(dir)); // computing writes nothing
            PreviousTokenReport.Write(result, dir);
            Assert.Equal(4, result.Heads.Count);
            Assert.Contains(result.DirectLogitAttribution, d => d.Component == "L1H1");
            Assert.Contains(result.DirectLogitAttribution, d => d.Component == "embed");
            Assert.DoesNotContain(result.DirectLogitAttribution, d => d.Component == "pos_embed");
            // Each averaged attention row is a distribution over the causal keys.
            Assert.All(result.Heads, h => Assert.Equal(1.0, Enumerable.Range(0, 6).Sum(k => h.Mean[3, k]), 4));
            foreach (var f in new[] { "report.md", "attention_L1H1.png", "direct_logit_attribution.csv", "position_probes.png", "loss_accuracy_by_position.csv" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
