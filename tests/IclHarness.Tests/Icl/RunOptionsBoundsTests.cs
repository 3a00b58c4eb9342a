using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Heads;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>Bounds that apply only where their reason does: the sweep's x-range bound, default folder names from a task.</summary>
public sealed class RunOptionsBoundsTests
{
    private static PromptTemplate Pairs => PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory);

    [Fact]
    public void GivenAWideXRangeAndNoSweep_WhenValidated_ThenItIsAccepted()
    {
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = Pairs, XMin = 0, XMax = 1_000_000, SweepShots = [] };
        options.Validate();
        new IclHeadsOptions(TaskParser.Parse("2x+3"), Pairs, XMin: 0, XMax: 1_000_000).Validate(); // heads has no sweep
    }

    [Fact]
    public void GivenAWideXRangeAndTheDefaultSweep_WhenValidated_ThenTheSweepBoundNamesBothRanges()
    {
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = Pairs, XMin = 0, XMax = 1_000_000 };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("prediction sweep", e.Message);
        Assert.Equal([IclRunOptions.XRange, IclRunOptions.SweepXRange], OptionNames.In(e));
    }

    [Fact]
    public void GivenATaskOfTwoHundredTerms_WhenNamed_ThenTheFolderNameIsBoundedAndStillTellsTasksApart()
    {
        var spec = string.Join("+", Enumerable.Repeat("x", 200));
        var name = TaskParser.Parse(spec).SafeName;
        var other = TaskParser.Parse(spec + "+1").SafeName;
        Assert.InRange(name.Length, 1, TaskSpec.MaxSafeNameLength);
        Assert.StartsWith("x+x+x+", name);
        Assert.NotEqual(name, other); // same first 64 characters, another task
        // Short names are unchanged (docs and scripts use them).
        Assert.Equal("2x+3", TaskParser.Parse("2x+3").SafeName);
        Assert.Equal("ax+b", TaskParser.Parse("ax+b, a in -5..5, b in -10..10").SafeName);
        Assert.Equal("xp2", TaskParser.Parse("x^2").SafeName);
    }
}
