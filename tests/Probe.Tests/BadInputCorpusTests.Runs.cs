using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>The bad-input corpus, continued: templates, run folders, compare and shards (hostile tryout of 2026-11-30).</summary>
public sealed partial class BadInputCorpusTests
{
    private string Template(string name, string answerPrefix, string between = ",", string open = "(", string prefix = "", string separator = ", ") =>
        File(name, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["prefix"] = prefix, ["open"] = open, ["between"] = between, ["answer_prefix"] = answerPrefix, ["close"] = ")", ["separator"] = separator,
        }));

    [Theory]
    [InlineData("", ", 1", "'separator' must not end")] // the prompt would read "…), 113, 29)" for x = 13
    [InlineData("", ", -", "'separator' must not end")]
    [InlineData("f(1", ", ", "'prefix' must not end")]
    public void GivenAnEmptyOpenAfterTextThatEndsInADigit_WhenIcl_ThenOneLineNamesTheField(string prefix, string separator, string fragment)
    {
        var output = Path.Combine(_temp, "icl-open");
        var template = Template("touch-x.json", answerPrefix: " ", between: ",", open: "", prefix: prefix, separator: separator);
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--template", template, "--out", output), fragment);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData(" 1", ",", "(", "'answer_prefix'")]
    [InlineData("-", ",", "(", "'answer_prefix'")]
    [InlineData(" 1 ", ",", "(", "'answer_prefix'")]
    [InlineData("", "", "(", "both empty")]
    [InlineData("", ",7", "(", "'between' must not end")]
    [InlineData(" ", "7,", "(", "'between' must not start with a digit")]
    [InlineData(" ", ",", "(1", "'open' must not end")]
    public void GivenATemplateWhoseTextTouchesTheNumbers_WhenIcl_ThenOneLineNamesTheField(string answerPrefix, string between, string open, string fragment)
    {
        var output = Path.Combine(_temp, "icl");
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--template", Template("touch.json", answerPrefix, between, open), "--out", output), fragment);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void GivenAHugeTemplateFile_WhenIcl_ThenOneLineNamesTheFileBeforeReadingIt()
    {
        var path = Path.Combine(_temp, "huge.json");
        using (var stream = System.IO.File.Create(path)) stream.SetLength(2 << 20); // 2 MB of zero bytes: never parsed
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--template", path, "--out", Path.Combine(_temp, "icl")), "more than a template's limit");
    }

    [Fact]
    public void GivenAJsonArrayAsTemplate_WhenIcl_ThenOneLineSaysATemplateIsAnObject() =>
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--template", File("array.json", "[1, 2]"), "--out", Path.Combine(_temp, "icl")), "holds a JSON array, not an object");

    [Fact]
    public void GivenAnEmptySummary_WhenCompare_ThenOneLineNamesTheMissingField()
    {
        var run = Directory.CreateDirectory(Path.Combine(_temp, "empty-run")).FullName;
        File(Path.Combine("empty-run", "summary.json"), "{}");
        AssertOneLine(Run("icl", "compare", run, run, "--out", Path.Combine(_temp, "cmp")), "has no 'task' field");
    }

    [Fact]
    public void GivenAMissingRunFolder_WhenCompare_ThenOneLineSaysItDoesNotExist()
    {
        var output = Path.Combine(_temp, "cmp");
        AssertOneLine(Run("icl", "compare", Path.Combine(_temp, "no-such-run"), Path.Combine(_temp, "no-such-run"), "--out", output), "does not exist");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void GivenADanglingSymlinkAsOut_WhenIcl_ThenOneLineSaysTheLinkTargetIsMissing()
    {
        var link = Path.Combine(_temp, "link");
        System.IO.File.CreateSymbolicLink(link, Path.Combine(_temp, "gone", "target"));
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--out", link), "symbolic link");
    }

    [Fact]
    public void GivenMoreShardsThanBatches_WhenIcl_ThenOneLineNamesShardAndNothingIsWritten()
    {
        var output = Path.Combine(_temp, "shard");
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--contexts", "5", "--shard", "0/100000000", "--out", output), "--shard 0/100000000");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void GivenAVocabularyWithOneIntegerToken_WhenHeadsWithTheIntegersBaseline_ThenTheMessageCountsOneTokenAndNamesTheFix()
    {
        var result = Run("icl", "heads", "--task", "2x+3", "--model", Model, "--baseline", "integers", "--max-integer", "0",
            "--examples", "3", "--contexts", "1", "--threads", "1", "--out", Path.Combine(_temp, "heads"));
        AssertOneLine(result, "has 1 token for the integers 0..0");
        Assert.Contains("--max-integer", result.Error);
    }
}
