using Probing.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Llama;

[Collection("llama")]
public sealed class EvaluationTests(TinyModels models)
{
    private const string Prompt = "(1, 5), (4, 11), (2, 7), (6,";

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.Q8_0)]
    public void GivenAPrompt_WhenEvaluatedInOnePass_ThenLogProbsEqualTokenByTokenDecoding(GgmlType type)
    {
        var model = models.Get(type);
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });
        var tokens = model.Tokenize(Prompt);

        var single = ctx.Evaluate(tokens).NextTokenLogProbs;

        var stepwise = new double[tokens.Length - 1];
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            var step = ctx.Evaluate([new SequenceInput([tokens[i]], 0, i)])[0];
            stepwise[i] = step.LastLogProbs[tokens[i + 1]];
        }
        Assert.Equal(tokens.Length - 1, single.Length);
        // Measured: 1.7e-4 nats (F32; the batched matmuls and F16 KV cache round differently), 0 (Q8_0).
        for (var i = 0; i < single.Length; i++) Assert.Equal(stepwise[i], single[i], 1e-3);
        Assert.True(single.Distinct().Count() > 1, "log-probs of random weights should differ between positions");
    }

    [Fact]
    public void GivenSeveralSequences_WhenEvaluatedInOneBatch_ThenEachIsBitIdenticalToItsSingleSequenceEvaluation()
    {
        var model = models.Get(GgmlType.F32);
        string[] prompts = ["(1, 5), (4, 11)", "(3, 9), (0,", "ab cd ef gh ij kl"];
        using var batched = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 256, SequenceCount = 3 });
        using var single = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });
        var inputs = prompts.Select((p, s) => new SequenceInput(model.Tokenize(p), s)).ToArray();
        var options = new EvaluationOptions { TopK = 4 };

        var together = batched.Evaluate(inputs, options);

        for (var s = 0; s < prompts.Length; s++)
        {
            var alone = single.Evaluate(inputs[s].Tokens, options);
            Assert.Equal(alone.NextTokenLogProbs.Length, together[s].NextTokenLogProbs.Length);
            // One KV stream per sequence: the same cells, the same sums, the same bits.
            Assert.Equal(alone.NextTokenLogProbs, together[s].NextTokenLogProbs);
            Assert.Equal(alone.LastLogProbs, together[s].LastLogProbs);
            Assert.Equal(alone.TopTokens![^1][0].Id, together[s].TopTokens![^1][0].Id);
        }
    }

    [Fact]
    public void GivenSeveralSequencesSpanningUbatches_WhenCaptured_ThenEachCaptureIsBitIdenticalToItsSingleSequenceCapture()
    {
        var model = models.Get(GgmlType.F32);
        string[] prompts = ["(1, 5), (4, 11)", "zz (3, 9), (0, 1), (7,"];
        using var batched = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 256, SequenceCount = 2, MicroBatchSize = 8 });
        using var single = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });
        var options = new EvaluationOptions { Capture = new CaptureRequest([0, 1, 2], [0, 6, -1], ResultNorm: true) };
        var inputs = prompts.Select((p, s) => new SequenceInput(model.Tokenize(p), s)).ToArray();

        var together = batched.Evaluate(inputs, options);

        for (var s = 0; s < prompts.Length; s++)
        {
            var alone = single.Evaluate(inputs[s].Tokens, options).Capture!;
            var joint = together[s].Capture!;
            Assert.Equal(alone.Positions, joint.Positions);
            Assert.Equal(alone.Residuals, joint.Residuals);
            Assert.Equal(alone.ResultNorm, joint.ResultNorm);
        }
    }

    [Fact]
    public void GivenASharedPrefix_WhenContinuationsReuseItsCache_ThenLogProbsEqualFullEvaluation()
    {
        var model = models.Get(GgmlType.F32);
        var prefix = model.Tokenize("(1, 5), (4, 11), (2,");
        int[][] continuations = [model.Tokenize(" 7)", addSpecial: false), model.Tokenize(" 8)", addSpecial: false), model.Tokenize(" 13, 0", addSpecial: false)];
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 256, SequenceCount = 3 });
        using var reference = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });

        var reused = ctx.EvaluateContinuations(prefix, continuations);

        for (var c = 0; c < continuations.Length; c++)
        {
            var full = reference.Evaluate(prefix.Concat(continuations[c]).ToArray()).NextTokenLogProbs;
            var expected = full[(prefix.Length - 1)..];
            Assert.Equal(expected.Length, reused[c].LogProbs.Length);
            for (var j = 0; j < expected.Length; j++) Assert.Equal(expected[j], reused[c].LogProbs[j], 1e-3);
        }
    }

    [Fact]
    public void GivenACaptureRequest_WhenEvaluated_ThenShapesFollowTheRequestAndTheLastLayerNormMatchesResultNorm()
    {
        var model = models.Get(GgmlType.F32);
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128, MicroBatchSize = 8 });
        var tokens = model.Tokenize(Prompt); // longer than one ubatch of 8: the capture spans ubatches
        var request = new CaptureRequest([0, 2], [1, 9, -1], ResultNorm: true);

        var capture = ctx.Evaluate(tokens, new EvaluationOptions { Capture = request }).Capture!;

        Assert.Equal([0, 2], capture.Layers);
        Assert.Equal([1, 9, tokens.Length - 1], capture.Positions);
        Assert.Equal(2 * 3 * 64, capture.Residuals.Length);
        Assert.Equal(3 * 64, capture.ResultNorm!.Length);
        Assert.DoesNotContain(capture.Residuals, float.IsNaN);
        Assert.NotEqual(capture.Residual(0, 9).ToArray(), capture.Residual(2, 9).ToArray());
        // result_norm is RMSNorm(l_out of the last layer): the lens's own norm must reproduce it.
        var lens = LogitLens.Create(model);
        foreach (var position in capture.Positions)
        {
            var normalized = lens.Normalize(capture.Residual(2, position), 1);
            var expected = capture.Normalized(position).ToArray();
            for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], normalized[i], 1e-4);
        }
    }

    [Fact]
    public void GivenPromptsAAndB_WhenTheLastResidualOfBIsPatchedIntoA_ThenAPredictsExactlyLikeB()
    {
        var model = models.Get(GgmlType.F32);
        var last = model.Info.LayerCount - 1;
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });
        var a = model.Tokenize("(1, 5), (4, 11), (2,");
        var b = model.Tokenize("zz qq xx (9,");
        var capturedB = ctx.Evaluate(b, new EvaluationOptions { Capture = new CaptureRequest([last], [-1]) });
        var plainA = ctx.Evaluate(a);

        var patchedA = ctx.Evaluate(a, new EvaluationOptions { Patches = [new ResidualPatch(last, -1, capturedB.Capture!.Residual(last, b.Length - 1).ToArray())] });

        var distance = Distance(plainA.LastLogits, capturedB.LastLogits);
        Assert.True(distance > 1e-2, $"A and B should predict differently before patching (distance {distance})");
        for (var v = 0; v < patchedA.LastLogits.Length; v++) Assert.Equal(capturedB.LastLogits[v], patchedA.LastLogits[v], 1e-3);
    }

    [Fact]
    public void GivenAnEarlyLayerPatch_WhenEvaluated_ThenLaterPositionsChangeButEarlierOnesDoNot()
    {
        var model = models.Get(GgmlType.F32);
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 128 });
        var tokens = model.Tokenize(Prompt);
        var plain = ctx.Evaluate(tokens);
        var noise = Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i) * 5).ToArray();

        var patched = ctx.Evaluate(tokens, new EvaluationOptions { Patches = [new ResidualPatch(0, 5, noise)] });

        for (var i = 0; i < 5; i++) Assert.Equal(plain.NextTokenLogProbs[i], patched.NextTokenLogProbs[i], 1e-4);
        Assert.True(Math.Abs(plain.NextTokenLogProbs[5] - patched.NextTokenLogProbs[5]) > 1e-3);
    }

    [Fact]
    public void GivenBadInputs_WhenEvaluated_ThenOneLineArgumentErrors()
    {
        var model = models.Get(GgmlType.F32);
        using var ctx = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 16 });
        Assert.Contains("empty prompt", Assert.Throws<ArgumentException>(() => ctx.Evaluate(Array.Empty<int>())).Message);
        var tooLong = model.Tokenize(string.Concat(Enumerable.Repeat(Prompt, ctx.ContextSize / 8)));
        Assert.Contains($"context holds {ctx.ContextSize}", Assert.Throws<ArgumentException>(() => ctx.Evaluate(tooLong)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Evaluate([1, 99999]));
        Assert.Throws<ArgumentException>(() => ctx.Evaluate([new SequenceInput([1, 2], SequenceId: 1)]));
        Assert.Throws<ArgumentException>(() => ctx.Evaluate([1, 2], new EvaluationOptions { Capture = new CaptureRequest([7]) }));
        Assert.Throws<ArgumentException>(() => ctx.Evaluate([new SequenceInput([3], 0, StartPosition: 9)]));
    }

    [Fact]
    public void GivenText_WhenTokenizedAndDetokenized_ThenPiecesRebuildTheText()
    {
        var model = models.Get(GgmlType.F32);
        var pieces = model.TokenizeWithPieces("(4, 11)");
        Assert.Equal(model.BosToken, pieces[0].Id);
        Assert.Equal("(4, 11)", model.Detokenize(pieces.Select(p => p.Id).ToArray()).TrimStart());
        Assert.Equal("(4,\u258111)".Replace("\u2581", " "), string.Concat(pieces.Skip(1).Select(p => p.Piece)).TrimStart());
    }

    private static double Distance(float[] x, float[] y) => Math.Sqrt(x.Zip(y, (a, b) => (double)(a - b) * (a - b)).Sum());
}
