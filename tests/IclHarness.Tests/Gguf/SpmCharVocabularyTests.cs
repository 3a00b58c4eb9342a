using Probing.Gguf;

namespace Probing.IclHarness.Tests.Gguf;

public sealed class SpmCharVocabularyTests
{
    private static readonly SpmCharVocabulary Default = SpmCharVocabulary.Create(TinyLlamaConfig.DefaultVocabulary);

    // Ids printed by llama.cpp 3.22.1 (llama_tokenize with add_special) for a TinyLlamaBuilder model
    // with the default vocabulary: one token per character, "▁" for the space, bytes for 'X' and 'é'.
    [Theory]
    [InlineData("(1, 5), (4, 11)", new[] { 1, 269, 260, 271, 280, 264, 270, 271, 280, 269, 263, 271, 280, 260, 260, 270 })]
    [InlineData("Xé 3\n", new[] { 1, 91, 198, 172, 280, 262, 307 })]
    public void GivenText_WhenEncoded_ThenSameIdsAsLlamaCpp(string text, int[] expected)
    {
        Assert.Equal(expected, Default.Encode(text, addBos: true));
        Assert.Equal(text, Default.Decode(expected));
    }

    [Fact]
    public void GivenCharacters_WhenCreated_ThenSpecialByteAndCharacterTokensInLlamaLayout()
    {
        var vocabulary = SpmCharVocabulary.Create("ab a▁😀");

        Assert.Equal(["a", "b", " ", "😀"], vocabulary.Characters);
        Assert.Equal(259 + 4, vocabulary.Count);
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], vocabulary.Tokens.Take(4));
        Assert.Equal("<0xFF>", vocabulary.Tokens[258]);
        Assert.Equal(["a", "b", "▁", "😀"], vocabulary.Tokens.Skip(259));
        Assert.Equal([2, 3, 3, 6], vocabulary.TokenTypes().Take(4));
        Assert.Equal((int)SpmTokenType.Normal, vocabulary.TokenTypes()[^1]);
        Assert.Equal([0f, -1f, -2f, -3f], vocabulary.Scores().Skip(259));
        Assert.Equal([262], vocabulary.Encode("😀"));
    }

    [Fact]
    public void GivenWriter_WhenVocabularyAdded_ThenTokenizerKeysLlamaCppNeeds()
    {
        var writer = Default.AddTo(new GgufWriter());
        using var file = GgufReader.Parse(writer.ToArray());

        Assert.Equal("llama", file.GetString("tokenizer.ggml.model"));
        Assert.Equal(Default.Count, file.GetArrayLength("tokenizer.ggml.tokens"));
        Assert.Equal(Default.Count, file.GetArray<float>("tokenizer.ggml.scores").Length);
        Assert.Equal(Default.Count, file.GetArray<int>("tokenizer.ggml.token_type").Length);
        Assert.False(file.GetBool("tokenizer.ggml.add_space_prefix"));
        Assert.True(file.GetBool("tokenizer.ggml.add_bos_token"));
        Assert.Equal(1u, file.GetUInt32("tokenizer.ggml.bos_token_id"));
        Assert.Equal(2u, file.GetUInt32("tokenizer.ggml.eos_token_id"));
        Assert.Equal(0u, file.GetUInt32("tokenizer.ggml.unknown_token_id"));
    }

    [Fact]
    public void GivenNoCharacters_WhenCreated_ThenArgumentException() =>
        Assert.Throws<ArgumentException>(() => SpmCharVocabulary.Create(""));
}
