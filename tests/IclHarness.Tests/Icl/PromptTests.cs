using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.IclHarness.Tests.Icl;

public sealed class PromptTests
{
    private static readonly IclExample[] Examples = [new(1, 5), new(4, 11), new(2, 7), new(6, 15)];

    [Fact]
    public void GivenDefaultTemplate_WhenBuilt_ThenItIsTheSeedsFormat()
    {
        var template = PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory);
        var prompt = PromptBuilder.Build(template, Examples);
        Assert.Equal("(1, 5), (4, 11), (2, 7), (6, 15), (", prompt.Text);
        Assert.Equal(" 15", prompt.Text[prompt.AnswerStarts[3]..prompt.AnswerEnds[3]]);
        Assert.Equal(')', prompt.Text[prompt.AnswerEnds[3]]);
        Assert.Equal("(1, 5), (4, 11), (2, 7), (6,", PromptBuilder.Query(template, Examples, 3, 6));
        Assert.Equal("(6,", PromptBuilder.Query(template, Examples, 0, 6));
    }

    [Fact]
    public void GivenArrowAndIoTemplates_WhenBuilt_ThenLinesAndBlocksAppear()
    {
        var arrow = PromptBuilder.Build(PromptTemplate.Load("arrow", PromptTemplate.DefaultDirectory), Examples[..2]);
        Assert.Equal("1 -> 5\n4 -> 11\n", arrow.Text);
        var io = PromptBuilder.Build(PromptTemplate.Load("io", PromptTemplate.DefaultDirectory), Examples[..2]);
        Assert.Equal("Input: 1\nOutput: 5\n\nInput: 4\nOutput: 11\n\nInput: ", io.Text);
        Assert.Equal(" 11", io.Text[io.AnswerStarts[1]..io.AnswerEnds[1]]);
    }

    [Fact]
    public void GivenUnknownTemplate_WhenLoaded_ThenErrorListsTheAvailableOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PromptTemplate.Load("nosuch", PromptTemplate.DefaultDirectory));
        Assert.Contains("unknown template 'nosuch'", ex.Message);
        Assert.Contains("arrow, io, pairs", ex.Message);
    }

    [Fact]
    public void GivenTemplateFile_WhenLoaded_ThenItIsUsedAndCheckedForAClose()
    {
        var folder = Directory.CreateTempSubdirectory("icl-template-").FullName;
        var good = Path.Combine(folder, "eq.json");
        File.WriteAllText(good, """{"name":"eq","description":"","prefix":"","open":"f(","between":") =","answer_prefix":" ","close":";","separator":" "}""");
        Assert.Equal("f(1) = 5; f(4) = 11; f(", PromptBuilder.Build(PromptTemplate.Load(good, folder), Examples[..2]).Text);
        var bad = Path.Combine(folder, "bad.json");
        File.WriteAllText(bad, """{"name":"bad","description":"","prefix":"","open":"","between":"=","answer_prefix":"","close":"","separator":" "}""");
        Assert.Contains("empty 'close'", Assert.Throws<InvalidDataException>(() => PromptTemplate.LoadFile(bad)).Message);
        var broken = Path.Combine(folder, "broken.json");
        File.WriteAllText(broken, "{");
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => PromptTemplate.LoadFile(broken)).Message);
        Directory.Delete(folder, true);
    }

    [Theory]
    [InlineData(5, 0, 9, true)]
    [InlineData(10, 0, 9, true)]
    [InlineData(30, 0, 3, false)]
    public void GivenRange_WhenDrawn_ThenValuesAreInRangeAndDistinctWhenAsked(int count, long lo, long hi, bool distinct)
    {
        var xs = ExampleSampler.DrawX(new Random(1), count, lo, hi, distinct);
        Assert.Equal(count, xs.Length);
        Assert.All(xs, x => Assert.InRange(x, lo, hi));
        if (distinct) Assert.Equal(count, xs.Distinct().Count());
    }

    [Fact]
    public void GivenTooSmallRange_WhenDrawnDistinct_ThenErrorSuggestsTheFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => ExampleSampler.DrawX(new Random(1), 5, 0, 3, distinct: true));
        Assert.Contains("Distinct = false", ex.Message);
        Assert.Contains("Distinct = false", OptionNames.In(ex));
    }

    [Fact]
    public void GivenSeedAndContext_WhenRandomCreated_ThenItDoesNotDependOnTheNumberOfContexts()
    {
        var a = ExampleSampler.DrawX(ExampleSampler.ContextRandom(7, 3), 5, 0, 99, true);
        var b = ExampleSampler.DrawX(ExampleSampler.ContextRandom(7, 3), 5, 0, 99, true);
        var c = ExampleSampler.DrawX(ExampleSampler.ContextRandom(7, 4), 5, 0, 99, true);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData("0..19", 0, 19)]
    [InlineData("-5..5", -5, 5)]
    [InlineData(" -10 .. -2 ", -10, -2)]
    public void GivenRangeText_WhenParsed_ThenEndsAreRead(string text, long lo, long hi) =>
        Assert.Equal((lo, hi), ExampleSampler.ParseRange(text, "--x-range"));

    [Theory]
    [InlineData("5")]
    [InlineData("a..b")]
    [InlineData("9..1")]
    public void GivenBadRangeText_WhenParsed_ThenFormatException(string text) =>
        Assert.Throws<FormatException>(() => ExampleSampler.ParseRange(text, "--x-range"));
}
