using Probing.Gguf;
using Probing.IclHarness.Llama;
using Xunit.Abstractions;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// Completeness of per-head attribution where the residual entering block 0 is not the raw token embedding:
/// gpt2 adds learned positions (llama.cpp's node <c>inpL</c>), gemma scales by √n_embd (<c>inp_scaled</c>) and
/// names the residual after attention <c>sa_out-N</c>. The models are generated, run by the pinned llama.cpp.
/// </summary>
[Collection("llama")]
public sealed class HeadAttributionArchitectureTests(TinyModels models, ITestOutputHelper output)
{
    private const string Prompt = "(1, 5), (4, 11), (2, 7), (6, 15), (3,";

    private string Build(string architecture)
    {
        var path = Path.Combine(models.Folder, $"tiny-{architecture}.gguf");
        if (!File.Exists(path)) TinyLlamaBuilder.Write(TinyModels.Config(GgmlType.F32) with { Architecture = architecture, NHeadKv = 4, Name = $"tiny-{architecture}" }, path);
        return path;
    }

    [Theory]
    [InlineData(TinyArchitecture.Gpt2, 512)]
    [InlineData(TinyArchitecture.Gpt2, 7)]
    [InlineData(TinyArchitecture.Gemma, 512)]
    [InlineData(TinyArchitecture.Gemma, 7)]
    public void GivenAnEmbeddingThatIsNotTheTokenRow_WhenHeadsAreAttributed_ThenTheyRebuildTheResidualAndLogits(string architecture, int microBatch)
    {
        using var model = LlamaModel.Load(Build(architecture));
        Assert.Equal(architecture, model.Info.Architecture);
        var (attribution, capture, tokens) = Attribute(model, microBatch);
        var c = attribution.Completeness;
        output.WriteLine($"{architecture} (ubatch {microBatch}): attention {c.WorstAttentionError:E2}, residual {c.WorstResidualError:E2}, logit {c.WorstLogitError:E2}");
        Assert.True(c.WorstError < 1e-5, $"{architecture}: attention {c.WorstAttentionError:E2} (layer {c.WorstAttentionLayer}), residual {c.WorstResidualError:E2}, logit {c.WorstLogitError:E2}");

        // The embedding term is the residual entering block 0, computed here from the weights: it must not be the raw token row.
        var d = model.Info.EmbeddingSize;
        var row = new float[d];
        var position = 3;
        GgmlDequantizer.DequantizeRows(model.Gguf, model.Gguf.GetTensor("token_embd.weight"), tokens[position], 1, row);
        var expected = architecture == TinyArchitecture.Gemma ? row.Select(v => v * MathF.Sqrt(d)).ToArray() : row.Zip(PositionRow(model, position, d), (t, p) => t + p).ToArray();
        var captured = capture.Activation(GraphActivation.InpEmbd, 0, position).ToArray();
        Assert.All(Enumerable.Range(0, d), k => Assert.Equal(expected[k], captured[k], 1e-4f));
        Assert.Contains(Enumerable.Range(0, d), k => Math.Abs(captured[k] - row[k]) > 1e-2);
    }

    private static float[] PositionRow(LlamaModel model, int position, int d)
    {
        var row = new float[d];
        GgmlDequantizer.DequantizeRows(model.Gguf, model.Gguf.GetTensor("position_embd.weight"), position, 1, row);
        return row;
    }

    private static (LogitAttribution Attribution, ResidualCapture Capture, int[] Tokens) Attribute(LlamaModel model, int microBatch)
    {
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1, SequenceCount = 1, MicroBatchSize = microBatch });
        var dla = DirectLogitAttribution.Create(model);
        var tokens = model.Tokenize(Prompt);
        var vocabulary = TinyLlamaBuilder.Vocabulary(TinyModels.Config(GgmlType.F32)).Tokens.ToList();
        var digits = "0123456789".Select(ch => vocabulary.IndexOf(ch.ToString())).ToArray();
        var positions = Enumerable.Range(0, tokens.Length - 1).Where(k => digits.Contains(tokens[k + 1])).Append(3).Distinct().Order().ToArray();
        var capture = ctx.Evaluate([new SequenceInput(tokens, 0) { OutputPositions = positions }], new EvaluationOptions { Capture = dla.Request(), AllPositions = false })[0].Capture!;
        var sites = positions.Where(p => digits.Contains(tokens[p + 1])).Select(p => new AttributionSite(capture, p, tokens[p + 1], digits)).ToList();
        return (dla.Attribute(sites), capture, tokens);
    }
}
