using Probing.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Llama;

[Collection("llama")]
public sealed class OutputPositionsTests(TinyModels models)
{
    [Fact]
    public void GivenPerSequenceOutputPositions_WhenEvaluatedInOneBatch_ThenLogProbsTopKAndCapturesEqualAllPositionsThere()
    {
        var model = models.Get(GgmlType.F32);
        string[] prompts = ["(1, 5), (4, 11), (2, 7)", "zz (3, 9), (0, 1), (7,"];
        int[][] chosen = [[2, 5, 9], [1, -3]];
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 256, SequenceCount = 2, MicroBatchSize = 8 });
        var tokens = prompts.Select(p => model.Tokenize(p)).ToArray();
        var capture = new CaptureRequest([0, 2], null, ResultNorm: true);

        var all = ctx.Evaluate(tokens.Select((t, s) => new SequenceInput(t, s)).ToArray(),
            new EvaluationOptions { TopK = 3, Capture = capture with { Positions = Enumerable.Range(0, 32).ToArray()[..tokens.Min(t => t.Length)] } });
        var some = ctx.Evaluate(tokens.Select((t, s) => new SequenceInput(t, s) { OutputPositions = chosen[s] }).ToArray(),
            new EvaluationOptions { TopK = 3, Capture = capture, AllPositions = true });

        for (var s = 0; s < prompts.Length; s++)
        {
            var n = tokens[s].Length;
            var expected = chosen[s].Select(p => p < 0 ? n + p : p).Append(n - 1).Distinct().Order().ToArray();
            Assert.Equal(expected, some[s].OutputPositions);
            Assert.Equal(expected, some[s].Capture!.Positions);
            Assert.Equal(n - 1, some[s].NextTokenLogProbs.Length);
            for (var i = 0; i < n - 1; i++)
            {
                if (expected.Contains(i))
                {
                    // The last layer and LM head run on fewer rows, so the matmuls round differently: measured 8e-8 nats.
                    Assert.Equal(all[s].NextTokenLogProbs[i], some[s].NextTokenLogProbs[i], 1e-5);
                    Assert.Equal(all[s].TopTokens![i].Select(t => t.Id), some[s].TopTokens![i].Select(t => t.Id));
                }
                else
                {
                    Assert.True(double.IsNaN(some[s].NextTokenLogProbs[i]), $"position {i} has no logits and must be NaN");
                    Assert.Null(some[s].TopTokens![i]);
                }
            }
            for (var v = 0; v < all[s].LastLogProbs.Length; v++) Assert.Equal(all[s].LastLogProbs[v], some[s].LastLogProbs[v], 1e-5);
            foreach (var p in expected.Where(p => p < all[s].Capture!.Positions.Length))
            {
                AssertClose(all[s].Capture!.Normalized(p), some[s].Capture!.Normalized(p));
                AssertClose(all[s].Capture!.Residual(0, p), some[s].Capture!.Residual(0, p));
                AssertClose(all[s].Capture!.Residual(2, p), some[s].Capture!.Residual(2, p));
            }
        }
    }

    [Fact]
    public void GivenOutputPositions_WhenEvaluated_ThenNextTokenRanksCountTheTokensLlamaCppScoresHigher()
    {
        var model = models.Get(GgmlType.F32);
        var tokens = model.Tokenize("(1, 5), (4, 11), (2, 7), (6, 15)");
        int[] chosen = [3, 6, 10, 14];
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 256 });
        var vocab = model.Info.VocabularySize;
        // The whole vocabulary as top-k gives every token's log-prob at the chosen rows.
        var result = ctx.Evaluate([new SequenceInput(tokens) { OutputPositions = chosen }], new EvaluationOptions { TopK = vocab, AllPositions = false })[0];
        Assert.Equal(tokens.Length - 1, result.NextTokenRanks.Length);
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            if (!chosen.Contains(i))
            {
                Assert.Equal(0, result.NextTokenRanks[i]);
                continue;
            }
            var next = result.TopTokens![i].Single(t => t.Id == tokens[i + 1]).LogProb;
            Assert.Equal(1 + result.TopTokens[i].Count(t => t.LogProb > next), result.NextTokenRanks[i]);
        }
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4);
    }

    [Fact]
    public void GivenNoOutputPositions_WhenEvaluated_ThenEveryPositionIsAnOutputAsBefore()
    {
        var model = models.Get(GgmlType.F32);
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });
        var tokens = model.Tokenize("(1, 5), (4,");

        var evaluation = ctx.Evaluate(tokens);
        var lastOnly = ctx.Evaluate(tokens, new EvaluationOptions { AllPositions = false });

        Assert.Equal(Enumerable.Range(0, tokens.Length), evaluation.OutputPositions);
        Assert.DoesNotContain(evaluation.NextTokenLogProbs, double.IsNaN);
        Assert.Equal([tokens.Length - 1], lastOnly.OutputPositions);
        Assert.Empty(lastOnly.NextTokenLogProbs);
    }

    [Fact]
    public void GivenAnOutputPositionOutsideTheSequence_WhenEvaluated_ThenOneLineArgumentError()
    {
        var model = models.Get(GgmlType.F32);
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });
        var tokens = model.Tokenize("(1, 5)");

        var error = Assert.Throws<ArgumentException>(() => ctx.Evaluate([new SequenceInput(tokens) { OutputPositions = [tokens.Length] }]));
        Assert.Contains("output position", error.Message);
    }
}
