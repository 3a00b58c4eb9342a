using System.Reflection;
using System.Text;
using Probing.Gguf;
using Probing.IclHarness.Llama;
using Probing.IclHarness.Reports;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// <see cref="LensReport"/> streams the lens: it unembeds a block of positions of one layer at a time and keeps
/// only the top k and the final token's probability, never the [layer, position, d_vocab] tensor.
/// </summary>
[Collection("llama")]
public sealed class LensReportTests(TinyModels models)
{
    private const string Prompt = "(1, 5), (4, 11), (2, 7), (6,";

    // Block sizes of 1 and 3 rows put every row through the product's one-row and remainder paths, and 3 does
    // not divide the prompt, so the last block of each layer is short.
    [Theory]
    [InlineData(GgmlType.F32, 1)]
    [InlineData(GgmlType.Q8_0, 3)]
    [InlineData(GgmlType.Q8_0, 1000)]
    public void GivenAPrompt_WhenTheLensIsStreamedInBlocks_ThenTheReportEqualsTheWholeProduct(GgmlType type, int blockRows)
    {
        var model = models.Get(type);
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128, Threads = 1 });
        var tokens = model.Tokenize(Prompt);
        var lens = LogitLens.Create(model);
        const int k = 4;

        var report = LensReport.Compute(ctx, lens, tokens, k, blockRows);

        var evaluation = ctx.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(model.Info.LayerCount) });
        var whole = lens.Apply(evaluation.Capture!); // [layer, position, d_vocab] at once
        var final = LogSoftmax.TopK(evaluation.LastLogits, 1, LogSoftmax.LogSumExp(evaluation.LastLogits))[0].Id;
        Assert.Equal(final, report.FinalToken);
        for (var layer = 0; layer < model.Info.LayerCount; layer++)
            for (var position = 0; position < tokens.Length; position++)
            {
                Assert.Equal(whole.Top(layer, position, k), report.Top[layer][position]);
                Assert.Equal(Math.Exp(whole.LogProb(layer, position, final)), report.FinalTokenProbability[layer, position]);
            }
    }

    // The prompt streams through llama.cpp one call of n_batch tokens at a time (8 or 16 here, so the prompt is 2 to 4
    // calls, the last one short); the reference is one Evaluate of the whole prompt on a fresh context of the same
    // n_batch and n_ubatch, which cuts it into the same calls. Equality is exact: a chunk decoded at the wrong
    // positions, on a wrong cache or with a different ubatch split changes the residuals.
    [Theory]
    [InlineData(GgmlType.F32, 8, 8)]
    [InlineData(GgmlType.Q8_0, 8, 8)]
    [InlineData(GgmlType.Q8_0, 16, 8)]
    [InlineData(GgmlType.F16, 64, 64)]
    public void GivenAPromptOfSeveralDecodeCalls_WhenTheLensStreamsIt_ThenTheReportEqualsOneEvaluationOfTheWholePrompt(GgmlType type, int batch, int ubatch)
    {
        var model = models.Get(type);
        var options = new LlamaContextOptions { ContextSize = 128, BatchSize = batch, MicroBatchSize = ubatch, Threads = 1 };
        var tokens = model.Tokenize(Prompt + " (3, 9), (5,");
        var lens = LogitLens.Create(model);
        const int k = 4;
        LensReport report;
        using (var ctx = model.CreateContext(options)) report = LensReport.Compute(ctx, lens, tokens, k, blockRows: 3);

        using var reference = model.CreateContext(options);
        var evaluation = reference.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(model.Info.LayerCount) });
        var whole = lens.Apply(evaluation.Capture!); // [layer, position, d_vocab] at once
        Assert.Equal(LogSoftmax.TopK(evaluation.LastLogits, k, LogSoftmax.LogSumExp(evaluation.LastLogits)), report.ModelTop);
        var final = report.FinalToken;
        for (var layer = 0; layer < model.Info.LayerCount; layer++)
            for (var position = 0; position < tokens.Length; position++)
            {
                Assert.Equal(whole.Top(layer, position, k), report.Top[layer][position]);
                Assert.Equal(Math.Exp(whole.LogProb(layer, position, final)), report.FinalTokenProbability[layer, position]);
            }
    }

    // Memory bounded by one call whatever the prompt length: no decode captures more than n_batch positions, and
    // the price is one decode of the chunks before the last (none when the prompt fits one call).
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(128)]
    public void GivenAPromptLongerThanACall_WhenTheLensStreamsIt_ThenNoDecodeHoldsMoreThanOneCallOfResiduals(int batch)
    {
        var model = models.Get(GgmlType.Q8_0);
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128, BatchSize = batch, MicroBatchSize = Math.Min(batch, 8), Threads = 1 });
        var tokens = model.Tokenize(Prompt + " (3, 9), (5,");
        Assert.True(tokens.Length > 2 * 16, "the prompt spans at least three calls of 16");

        var report = LensReport.Compute(ctx, LogitLens.Create(model), tokens, 2);

        var lastChunk = tokens.Length - (tokens.Length - 1) / batch * batch;
        Assert.Equal(Math.Min(batch, tokens.Length), report.LargestCapturePositions);
        Assert.Equal(2 * tokens.Length - lastChunk, report.DecodedTokens);
        Assert.All(report.Top, layer => Assert.All(layer, cell => Assert.Equal(2, cell.Length)));
    }

    [Theory]
    [InlineData(32_000)]
    [InlineData(128_000)]
    [InlineData(256_000)]
    [InlineData(20_000_000)]
    public void GivenAVocabulary_WhenTheLensBlockIsSized_ThenItHoldsAtMostLogitBlockBytesAndAtLeastOneRow(int vocabulary)
    {
        var rows = LensReport.BlockRows(vocabulary);

        Assert.True(rows >= 1);
        Assert.True(rows == 1 || (long)rows * vocabulary * sizeof(float) <= LensReport.LogitBlockBytes,
            $"{rows} rows of {vocabulary} logits exceed {LensReport.LogitBlockBytes} bytes");
        Assert.True((long)(rows + 1) * vocabulary * sizeof(float) > LensReport.LogitBlockBytes, "the block could hold another row");
    }

    // The bound the 128k-vocabulary measurement in docs/llama.md relies on: what the report keeps grows with
    // layers × positions × k, not with the vocabulary (here 4,000 tokens, 50 times k + 1).
    [Fact]
    public void GivenALargeVocabulary_WhenTheLensReportIsComputed_ThenItHoldsLayersTimesPositionsTimesKValues()
    {
        var path = Path.Combine(models.Folder, "tiny-4k-vocab.gguf");
        var extra = new StringBuilder();
        for (var c = 0x4E00; extra.Length < 4000; c++) extra.Append((char)c);
        TinyLlamaBuilder.Write(TinyModels.Config(GgmlType.F32) with { Vocabulary = TinyLlamaConfig.DefaultVocabulary + extra }, path);
        using var model = LlamaModel.Load(path);
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128, Threads = 1 });
        var tokens = model.Tokenize(Prompt);
        var lens = LogitLens.Create(model);
        const int k = 5;
        Assert.True(lens.VocabularySize > 4000);
        Assert.True(LensReport.BlockRows(lens.VocabularySize) >= tokens.Length, "one block per layer at this size");

        var report = LensReport.Compute(ctx, lens, tokens, k);

        var layers = model.Info.LayerCount;
        // top k per cell, the final token's probability per cell, the model's own top k, the prompt's pieces.
        var expected = layers * tokens.Length * (k + 1) + k + tokens.Length;
        Assert.Equal(expected, HeldValues(report));
        Assert.True(expected * 50 < layers * tokens.Length * lens.VocabularySize);
    }

    // Elements of every array reachable from the object's fields (arrays of arrays count their leaves; strings
    // count as one value of their holder).
    private static long HeldValues(object root)
    {
        long count = 0;
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(object? value)
        {
            if (value is null or string || value.GetType().IsPrimitive || !seen.Add(value)) return;
            if (value is Array array)
            {
                if (array.GetType().GetElementType()!.IsArray) foreach (var item in array) Walk(item);
                else count += array.LongLength;
                return;
            }
            foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                if (!field.FieldType.IsValueType || field.FieldType.IsArray) Walk(field.GetValue(value));
        }
        Walk(root);
        return count;
    }
}
