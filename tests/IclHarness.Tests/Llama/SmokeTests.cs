using Probing.IclHarness.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Llama;

[Collection("llama")]
public sealed class SmokeTests(TinyModels models)
{
    [Fact]
    public void GivenTinyModel_WhenLoaded_ThenInfoMatchesConfig()
    {
        var model = models.Get(GgmlType.F32);
        Assert.Equal("llama", model.Info.Architecture);
        Assert.Equal(3, model.Info.LayerCount);
        Assert.Equal(64, model.Info.EmbeddingSize);
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextSize = 128 });
        var tokens = model.Tokenize("(1, 5), (4, 11)");
        var r = ctx.Evaluate(tokens, new EvaluationOptions { TopK = 3, Capture = CaptureRequest.AllLayers(3, null, true) });
        Console.WriteLine(string.Join(" ", r.NextTokenLogProbs.Select(x => x.ToString("F3"))));
        Assert.Equal(tokens.Length - 1, r.NextTokenLogProbs.Length);
    }
}
