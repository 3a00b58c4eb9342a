using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.RealTokenizers;

[Collection("real-tokenizers")]
public sealed class TokenTextTests(RealTokenizerModels models)
{
    [Theory]
    [InlineData("llama-spm")]
    [InlineData("phi-3")]
    [InlineData("gpt-2")]
    [InlineData("llama-bpe")]
    public void GivenACharacterSpelledByByteTokens_WhenShown_ThenEachByteReadsAsHexAndTheyJoinBackToTheCharacter(string name)
    {
        var model = models.Model(name);
        var tokens = model.Tokenize("🙂", addSpecial: false);
        var shown = tokens.Select(t => TokenText.Readable(model, t)).ToArray();
        Assert.DoesNotContain(shown, s => s.Contains('\uFFFD'));
        Assert.Contains(shown, s => s.Contains("<0xF0>", StringComparison.Ordinal));
        // SentencePiece puts its space marker in front of the text.
        Assert.Equal("🙂", System.Text.Encoding.UTF8.GetString(tokens.SelectMany(model.TokenToPieceBytes).ToArray()).TrimStart(' '));
    }

    [Theory]
    [InlineData("llama-bpe")]
    [InlineData("llama-spm")]
    [InlineData("qwen2")]
    [InlineData("gpt-2")]
    [InlineData("phi-3")]
    [InlineData("gemma-4")]
    public void GivenAnyTokenOfARealVocabulary_WhenShown_ThenItIsNeverEmptyNorAReplacementCharacter(string name)
    {
        var model = models.Model(name);
        var n = model.Info.VocabularySize;
        // The first ids hold the control and byte tokens, the last ones the added and reserved specials.
        foreach (var id in Enumerable.Range(0, 400).Concat(Enumerable.Range(n - 400, 400)))
        {
            var shown = TokenText.Readable(model, id);
            Assert.False(shown.Length == 0 || shown.Contains('\uFFFD'), $"token {id} shows as '{shown}'");
        }
    }

    [Theory]
    [InlineData("llama-bpe", "llama-bpe", null)]
    [InlineData("qwen2", "qwen2", null)]
    [InlineData("llama-spm", "default", true)]
    [InlineData("gemma-4", null, true)]
    public void GivenARealTokenizer_WhenSummarized_ThenPreTokenizerAndAddBosAreReported(string name, string? pre, bool? addBos)
    {
        using var file = GgufReader.Open(models.PathOf(name));
        var summary = GgufModelSummary.From(file, "0");
        Assert.Equal(pre, summary.PreTokenizer);
        Assert.Equal(addBos, summary.AddBos);
    }

    [Theory]
    [MemberData(nameof(VocabularyNames))]
    public void GivenARealTokenizer_WhenSummarized_ThenWhetherItAddsBosMatchesLlamaCppsTokenizer(string name)
    {
        using var file = GgufReader.Open(models.PathOf(name));
        var summary = GgufModelSummary.From(file, "0");
        var model = models.Model(name);
        var plain = model.Tokenize("(3, 7)", addSpecial: false);
        var special = model.Tokenize("(3, 7)", addSpecial: true);
        var addsBos = special.Length > plain.Length && special.Skip(1).Take(plain.Length).SequenceEqual(plain);
        Assert.Equal(addsBos, summary.AddsBos);
        if (summary.AddBos is { } set) Assert.Equal(set, summary.AddsBos);
    }

    /// <summary>Every real vocabulary the fixtures carry.</summary>
    public static TheoryData<string> VocabularyNames() => [.. LlamaVocabFiles.Names];

    [Theory]
    [InlineData(3, 5)]
    [InlineData(12, 8)]
    [InlineData(80, 30)]
    public void GivenAHeatmapOfLayers_WhenDrawn_ThenEveryTickIsAWholeNumber(int layers, int examples)
    {
        var plot = IclPlots.Heatmap(new double[layers, examples], "t", "example index i", "layer (l_out)", 1, 0, "p");
        Assert.IsType<ScottPlot.TickGenerators.NumericManual>(plot.Axes.Left.TickGenerator);
        Assert.IsType<ScottPlot.TickGenerators.NumericManual>(plot.Axes.Bottom.TickGenerator);
        foreach (var (start, count) in new[] { (0.0, layers), (1.0, examples) })
        {
            var (positions, labels) = IclPlots.IntegerTickPositions(start, count);
            Assert.Equal(start, positions[0]);
            Assert.InRange(positions.Length, Math.Min(count, 10), 20);
            Assert.All(positions, p => Assert.InRange(p, start, start + count - 1));
            Assert.All(positions.Zip(labels), t => Assert.Equal(((long)t.First).ToString(System.Globalization.CultureInfo.InvariantCulture), t.Second));
            Assert.All(positions, p => Assert.Equal(Math.Round(p), p));
        }
    }
}
