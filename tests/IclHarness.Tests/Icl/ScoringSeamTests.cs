using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>The ICL scoring seam: per-request results, the lens residuals, greedy continuations from a shared prefix, optional patches.</summary>
[Collection("icl")]
public sealed class ScoringSeamTests(IclModels models)
{
    private int[] Tokens(string text) => models.Scoring.Tokenize(text);

    [Fact]
    public void GivenLensLogitsInBlocksOfThreeRows_WhenContextsAreScored_ThenEveryLensRowAndTheIntegerLensEqualOneBlock()
    {
        var model = models.Scoring;
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = IclModels.Template(), Examples = 6, Seed = 4, Contexts = 2 };
        var plans = Enumerable.Range(0, 2).Select(c => ContextPlan.Create(model, options, c)).ToList();
        var numeric = new NumericTokens(model, options.MaxInteger);
        Func<long, long>[] family = [x => 2 * x + 3];
        var whole = new ContextScorer(model, options, numeric, family).Score(plans, CancellationToken.None);
        var blocks = new ContextScorer(model, options, numeric, family) { LensBlockFloats = 3L * model.VocabSize }.Score(plans, CancellationToken.None);
        static string Show(LensMeasurement l) =>
            $"{l.Context} {l.Index} {l.Layer} {l.PCorrectFirst:R} {l.RankCorrectFirst} {string.Join('|', l.TopTokens)} {string.Join('|', l.TopProbabilities.Select(p => p.ToString("R")))} {l.FirstToken}";
        for (var c = 0; c < plans.Count; c++)
        {
            Assert.True(whole[c].Lens.Count > 3 * 2, "the blocks must split the rows");
            Assert.Equal(whole[c].Lens.Select(Show), blocks[c].Lens.Select(Show));
            Assert.Equal(whole[c].Integers is null, blocks[c].Integers is null);
            if (whole[c].Integers is { } integers)
                for (var l = 0; l < integers.Length; l++) Assert.Equal(integers[l], blocks[c].Integers![l]);
        }
    }

    [Fact]
    public void GivenRequestsOfSeveralLengths_WhenEvaluated_ThenEachResultHoldsItsOwnScoredPositionsWithTheNumbersOfItsOwnDecode()
    {
        var model = models.Scoring;
        EvalRequest[] requests =
        [
            new(Tokens("(1, 5), (4, 11), (2, 7)"), [6, 7, 8, 9], [6]),
            new(Tokens("(3, 9), (0, 3)"), [12, 5], [5, 12]),
            new(Tokens("(1, 5), (4, 11), (2, 7)"), [3], []),
        ];
        var results = model.Evaluate(requests, lens: false, CancellationToken.None);
        Assert.Equal(requests.Length, results.Count);
        using var alone = models.Model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1 });
        for (var r = 0; r < requests.Length; r++)
        {
            var request = requests[r];
            Assert.Null(results[r].LensResiduals);
            Assert.Equal(request.ScoredPositions, results[r].Scores.Select(s => s.Position));
            var reference = alone.Evaluate(request.Tokens);
            foreach (var score in results[r].Scores)
            {
                var next = request.Tokens[score.Position + 1];
                Assert.Equal(reference.NextTokenLogProbs[score.Position], score.LogProbNext, 4);
                Assert.Equal(reference.NextTokenRanks[score.Position], score.RankNext);
                Assert.Equal(score, results[r].At(score.Position));
                Assert.True(score.ArgMax == next ? score.RankNext == 1 : true);
            }
        }
        Assert.Throws<ArgumentException>(() => results[0].At(0));
    }

    [Fact]
    public void GivenTheLens_WhenEvaluated_ThenTheResidualsAreEveryLayersLOutAtTheDistributionPositionsInRequestOrder()
    {
        var model = models.Scoring;
        var tokens = Tokens("(1, 5), (4, 11), (2, 7)");
        int[] distribution = [9, 4];
        var result = model.Evaluate([new EvalRequest(tokens, [4, 9], distribution)], lens: true, CancellationToken.None)[0];
        using var context = models.Model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1 });
        var capture = context.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(model.LayerCount) }).Capture!;
        var d = capture.EmbeddingSize;
        Assert.Equal(model.LayerCount * distribution.Length * d, result.LensResiduals!.Length);
        for (var layer = 0; layer < model.LayerCount; layer++)
            for (var i = 0; i < distribution.Length; i++)
            {
                var expected = capture.Residual(layer, distribution[i]).ToArray();
                var actual = result.LensResiduals.AsSpan((layer * distribution.Length + i) * d, d).ToArray();
                for (var k = 0; k < d; k++) Assert.Equal(expected[k], actual[k], 3);
            }

        // The lens entry reads those rows: at the last layer it is the model's own next-token distribution.
        var logits = new float[model.VocabSize];
        var last = model.LayerCount - 1;
        model.LensLogits(result.LensResiduals.AsSpan(last * distribution.Length * d, d), 1, logits);
        Assert.Equal(LogSoftmax.ArgMax(context.Evaluate(tokens[..10]).LastLogits), LogSoftmax.ArgMax(logits));
    }

    [Fact]
    public void GivenMoreSuffixesThanOneBatchHolds_WhenDecodedGreedilyFromTheirSharedPrefix_ThenEachMatchesItsOwnDecode()
    {
        // 20 suffixes: two groups of the shared prefix's copies; every continuation must read only its own prefix copy.
        var model = models.Scoring;
        var prefix = Tokens("(1, 5), (4, 11), (2, 7), (");
        var suffixes = Enumerable.Range(0, 20).Select(x => model.Tokenize($"{x},")[1..]).ToList();
        var shared = model.GreedyFromPrefix(prefix, suffixes, 4, _ => false, CancellationToken.None);
        for (var i = 0; i < suffixes.Count; i += 7)
        {
            var alone = model.GreedyFromPrefix([], [[.. prefix, .. suffixes[i]]], 4, _ => false, CancellationToken.None)[0];
            Assert.Equal(alone.Tokens, shared[i].Tokens);
            // Suffixes of unequal length share a decode here, so products round differently (about 1e-4 nats), far below
            // what reading another suffix's cache, or no prefix at all, would change.
            for (var j = 0; j < alone.LogProbs.Length; j++) Assert.Equal(alone.LogProbs[j], shared[i].LogProbs[j], 2);
        }
    }

    [Fact]
    public void GivenNoPatch_WhenEvaluatedPatched_ThenItIsThePlainDecodeAndAPatchChangesIt()
    {
        var model = models.Scoring;
        var tokens = Tokens("(1, 5), (4, 11), (2, 7)");
        using var context = models.Model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1 });
        var plain = context.Evaluate(tokens).NextTokenLogProbs;
        var unpatched = model.EvaluatePatched(tokens, null);
        for (var i = 0; i < plain.Length; i++) Assert.Equal(plain[i], unpatched[i], 4);
        var noise = Enumerable.Range(0, models.Model.Info.EmbeddingSize).Select(i => (float)Math.Sin(i) * 5).ToArray();
        var patched = model.EvaluatePatched(tokens, new ResidualPatch(0, 5, noise));
        for (var i = 0; i < 5; i++) Assert.Equal(plain[i], patched[i], 4);
        Assert.True(Math.Abs(plain[5] - patched[5]) > 1e-3, $"the patch changed nothing at position 5: {plain[5]} vs {patched[5]}");
        var batch = model.EvaluatePatchedBatch([new PatchedRequest(tokens, null, [5, 6]), new PatchedRequest(tokens, new ResidualPatch(0, 5, noise), [5, 6])]);
        Assert.Equal(plain[5], batch[0][0], 4);
        Assert.Equal(plain[6], batch[0][1], 4);
        Assert.Equal(patched[5], batch[1][0], 4);
        Assert.Equal(patched[6], batch[1][1], 4);
    }

    [Fact]
    public void GivenALastPosition_WhenItsLogProbsAreRead_ThenTheyAreTheLogSoftmaxOfTheLastLogits()
    {
        using var context = models.Model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1 });
        var evaluation = context.Evaluate(Tokens("(1, 5), (4,"), new EvaluationOptions { AllPositions = false });
        Assert.Equal(LogSoftmax.Full(evaluation.LastLogits), evaluation.LastLogProbs);
        Assert.Same(evaluation.LastLogProbs, evaluation.LastLogProbs);
    }
}
