namespace Probing.IclHarness.Tests.RealTokenizers;

[Collection("real-tokenizers")]
public sealed class FixtureTests(RealTokenizerModels models)
{
    [Theory]
    [InlineData("llama-bpe", "gpt2", "llama-bpe", 128256)]
    [InlineData("llama-spm", "llama", "default", 32000)]
    [InlineData("qwen2", "gpt2", "qwen2", 151936)]
    [InlineData("gpt-2", "gpt2", "gpt-2", 50257)]
    [InlineData("phi-3", "llama", "default", 32064)]
    [InlineData("gemma-4", "gemma4", null, 262144)]
    public void GivenAVocabOnlyGguf_WhenATinyModelIsBuiltWithIt_ThenLlamaCppLoadsItWithThatTokenizer(string name, string kind, string? pre, int size)
    {
        var model = models.Model(name);
        Assert.Equal(size, model.Info.VocabularySize);
        Assert.Equal(kind, model.Gguf.GetString("tokenizer.ggml.model"));
        Assert.Equal(pre, model.Gguf.Find("tokenizer.ggml.pre")?.AsString());
        // The real tokenizer, not a character one: "(1, 5)" is fewer tokens than characters.
        var tokens = model.Tokenize("(10, 25), (4, 11)", addSpecial: false);
        Assert.InRange(tokens.Length, 3, "(10, 25), (4, 11)".Length - 1);
        Assert.Equal("(10, 25), (4, 11)", model.Detokenize(tokens));
    }

    [Fact]
    public void GivenLlama3Vocabulary_WhenNumbersAreTokenized_ThenUpToThreeDigitsAreOneToken()
    {
        var model = models.Model("llama-bpe");
        Assert.Single(model.Tokenize("123", addSpecial: false));
        Assert.Equal(2, model.Tokenize("1234", addSpecial: false).Length);
    }
}
