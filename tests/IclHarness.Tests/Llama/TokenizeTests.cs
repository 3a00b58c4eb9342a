using Probing.Gguf;

namespace Probing.IclHarness.Tests.Llama;

[Collection("llama")]
public sealed class TokenizeTests(TinyModels models)
{
    [Theory]
    [InlineData("é → 中")]
    [InlineData("Input: 1\nOutput: 5\n")]
    [InlineData("tab\tand emoji 🙂")]
    public void GivenAVocabularyWithByteTokens_WhenAnyTextIsTokenized_ThenEveryByteIsSpelledAndNothingIsRefused(string text)
    {
        // The generated models carry SentencePiece's 256 byte tokens, so characters outside their small character
        // set fall back to bytes, as in Llama's own vocabulary; the coverage check must not refuse them.
        var model = models.Get(GgmlType.F32);
        var tokens = model.Tokenize(text, addSpecial: false);
        // At least one token per character: unknown characters become one byte token per UTF-8 byte.
        Assert.InRange(tokens.Length, text.EnumerateRunes().Count(), System.Text.Encoding.UTF8.GetByteCount(text) + 1);
    }
}
