using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Bench;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>
/// <c>probe bench icl</c>'s second reference (a raw llama.cpp decode with logits at the scored rows) and its generated
/// model's depth. What the bench times is not tested here: only that the reference does the work it claims.
/// </summary>
[Collection("icl")]
public sealed class IclBenchReferenceTests(IclModels models)
{
    [Fact]
    public void GivenTheHarnessScoredRows_WhenTheBenchReferenceDecodesThemRaw_ThenLlamaCppHasLogitsAtExactlyThoseRowsGivingTheHarnessLogProbsBitForBit()
    {
        var model = models.Scoring;
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = IclModels.Template(), Examples = 6, Seed = 7, Contexts = 2, SweepShots = [], Lens = false };
        var plans = Enumerable.Range(0, 2).Select(c => ContextPlan.Create(model, options, c)).ToList();
        foreach (var plan in plans)
        {
            var request = plan.Request();
            var n = plan.Tokens.Length;
            var harness = model.Evaluate([request], lens: false, CancellationToken.None)[0];
            var expected = request.ScoredPositions.Concat(request.DistributionPositions).Append(n - 1).ToHashSet();
            Assert.True(expected.Count < n / 2, "a raw decode with logits everywhere would pass the row checks below");

            var context = model.Context(n, 1);
            context.ClearMemory();
            var rows = context.DecodeOnly(IclBench.ScoredRowInputs([plan]));

            Assert.Equal(expected.Count, rows);
            for (var i = 0; i < n; i++) Assert.True(expected.Contains(i) == context.RawLogitsRow(i) is not null, $"row {i}");
            foreach (var score in harness.Scores)
            {
                var logits = context.RawLogitsRow(score.Position)!;
                var next = plan.Tokens[score.Position + 1];
                var statistics = LogSoftmax.Statistics(logits, next);
                Assert.Equal(score.LogProbNext, logits[next] - statistics.LogSumExp); // bit for bit: the same rows of the same decode
                Assert.Equal(score.RankNext, statistics.Rank);
            }
        }

        // The bench's batch: every context in one decode, each with its own rows.
        var batch = models.Scoring.Context(plans.Max(p => p.Tokens.Length), plans.Count);
        batch.ClearMemory();
        Assert.Equal(plans.Sum(p => p.Request().ScoredPositions.Concat(p.Request().DistributionPositions).Append(p.Tokens.Length - 1).Distinct().Count()),
            batch.DecodeOnly(IclBench.ScoredRowInputs(plans)));
    }

    [Fact]
    public void GivenALayerCount_WhenTheGeneratedBenchModelIsWritten_ThenItHasThatManyBlocksAndANameThatSaysSo()
    {
        var config = LlamaBenchmark.IclModelWithVocabulary(LlamaBenchmark.MinIclVocabulary, layers: 3) with { NEmbd = 64, NHead = 4, NHeadKv = 4, NFf = 128, NCtx = 256 };
        var path = TinyLlamaBuilder.Write(config, Path.Combine(models.Folder, config.Name + ".gguf"));
        using (var file = GgufReader.Open(path))
            Assert.Equal(3, GgufModelSummary.From(file, "0").NLayers);
        using (var model = LlamaModel.Load(path))
            Assert.Equal(3, model.Info.LayerCount);

        Assert.Equal(8, LlamaBenchmark.IclModel.NLayer);
        Assert.Equal("bench-icl-1k-32k", LlamaBenchmark.IclModelWithVocabulary(32000).Name);
        Assert.Equal("bench-icl-1k-32k-32layers", LlamaBenchmark.IclModelWithVocabulary(32000, 32).Name);
        Assert.Equal("bench-icl-1k-128k-32layers", LlamaBenchmark.IclModelWithVocabulary(128000, 32).Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaBenchmark.IclModelWithVocabulary(32000, LlamaBenchmark.MaxIclLayers + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaBenchmark.IclModelWithVocabulary(32000, 0));
    }
}
