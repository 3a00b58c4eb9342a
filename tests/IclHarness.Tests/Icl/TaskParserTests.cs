using FsCheck.Xunit;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Tasks;

namespace Probing.IclHarness.Tests.Icl;

public sealed class TaskParserTests
{
    [Theory]
    [InlineData("2x+3", 4, 11)]
    [InlineData("3x-1", 4, 11)]
    [InlineData("-x+7", 4, 3)]
    [InlineData("x^2", -3, 9)]
    [InlineData("x^2+1", 4, 17)]
    [InlineData("2x+3 mod 10", 4, 1)]
    [InlineData("2x+3 mod 10", -4, 5)]
    [InlineData(" 2 * x + 3 ", 1, 5)]
    [InlineData("x^3 - 2x^2 + x - 5", 2, -3)]
    [InlineData("7", 100, 7)]
    public void GivenSpec_WhenParsed_ThenFunctionIsExact(string spec, long x, long y)
    {
        var task = TaskParser.Parse(spec);
        Assert.False(task.IsFamily);
        Assert.Equal(y, task.Function.Apply(x));
    }

    [Theory]
    [InlineData("2x+3", "2x+3")]
    [InlineData("-x+7", "-x+7")]
    [InlineData("x^2+1", "x^2+1")]
    [InlineData("3x - 1", "3x-1")]
    [InlineData("2x+3 mod 10", "2x+3 mod 10")]
    [InlineData("x+x+1", "2x+1")]
    public void GivenSpec_WhenFormatted_ThenCanonicalFormRoundTrips(string spec, string canonical)
    {
        Assert.Equal(canonical, TaskParser.Parse(spec).Function.ToString());
        Assert.Equal(canonical, TaskParser.Parse(canonical).Function.ToString());
    }

    [Theory]
    [InlineData("2x+", "expected a term after '+' at column 4 (end of spec)")]
    [InlineData("x^", "expected an exponent after '^' at column 3 (end of spec)")]
    [InlineData("2y+1", "unknown symbol 'y' at column 2")]
    [InlineData("", "empty")]
    [InlineData("2x++3", "expected a term after '+' at column 4")]
    [InlineData("2x+3 mod 1", "modulus must be at least 2 at column 10")]
    [InlineData("2x+3 mod", "expected a modulus after 'mod'")]
    [InlineData("ax+b, a in 5..1", "empty")]
    [InlineData("ax+b, c in 1..2", "parameter 'c' has a range but does not appear")]
    [InlineData("ax+b, a in 1..2, a in 1..3", "two ranges")]
    [InlineData("2ax+b", "a parameter cannot follow a number")]
    [InlineData("x^99", "exponent 99 is larger than 12")]
    [InlineData("2x)", "unexpected ')' at column 3")]
    [InlineData("99999999999999999999x", "number is too large at column 1")]
    [InlineData("ax+b, a in 0..5, b in 0..9, except", "expected a function after 'except'")]
    [InlineData("ax+b, a in 0..5, b in 0..9, except 9x+1", "9x+1 is not a member of the family, so it cannot be excluded at column 36")]
    [InlineData("ax+b, a in 0..5, b in 0..9, except ax+1", "an excluded function has no parameters")]
    [InlineData("ax+b, a in 0..5, b in 0..9, except 4x+1 3x", "separate excluded functions with commas")]
    [InlineData("2x+3, except 2x+3", "'except' needs a family")]
    [InlineData("ax, a in 1..2, except x, 2x", "removes every member")]
    [InlineData("ax+bx+1, a in 0..1, b in 0..1, except 1, x+1, 2x+1", "removes every member")] // four settings, three functions
    [InlineData("ax mod 3, a in 0..5, except x, 4x", "excluded twice")] // exclusions take the family's modulus: 4x ≡ x mod 3
    public void GivenMalformedSpec_WhenParsed_ThenFormatExceptionPointsAtTheProblem(string spec, string message)
    {
        var ex = Assert.Throws<FormatException>(() => TaskParser.Parse(spec));
        Assert.Contains(message, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void GivenAModularFamily_WhenAFunctionIsExcluded_ThenNoCongruentMemberIsDrawn()
    {
        var family = TaskParser.Parse("ax mod 3, a in 0..5, except x"); // exclusions take the family's modulus
        var random = new Random(7);
        var drawn = Enumerable.Range(0, 300).Select(_ => family.Draw(random)).ToList();
        Assert.DoesNotContain(drawn, f => f.Apply(1) == 1); // a = 1 and a = 4 are both x mod 3
        Assert.Contains(drawn, f => f.Apply(1) == 2);
    }

    [Fact]
    public void GivenAFamilyTooLargeToEnumerateWhoseOnlyFunctionIsExcluded_WhenDrawn_ThenOneLineInsteadOfAHang()
    {
        var family = TaskParser.Parse("ax-ax+1, a in -1000000000000..1000000000000, except 1"); // 2·10^12 settings, one function
        var error = Assert.Throws<ArgumentException>(() => family.Draw(new Random(1)));
        Assert.Contains("draws in a row gave an excluded function", error.Message);
    }

    [Fact]
    public void GivenFamilyWithRanges_WhenParsed_ThenMembersCoverTheProductOfRanges()
    {
        var family = TaskParser.Parse("ax+b, a in 1..3; b in -1..1");
        Assert.True(family.IsFamily);
        Assert.Equal(9, family.MemberCount);
        var members = family.Members().Select(f => f.ToString()).ToList();
        Assert.Equal(9, members.Distinct().Count());
        Assert.Contains("3x-1", members);
        Assert.Contains("x", members);
        Assert.Equal("ax+b, a in 1..3, b in -1..1", family.Canonical);
    }

    [Fact]
    public void GivenFamilyWithExceptions_WhenParsed_ThenMembersAndDrawsLeaveThemOut()
    {
        var family = TaskParser.Parse("ax+b, a in 0..5, b in 0..9, except 4x+1, 3x+7, 1 + x");
        Assert.Equal(57, family.MemberCount);
        var members = family.Members().Select(f => f.ToString()).ToList();
        Assert.Equal(57, members.Distinct().Count());
        Assert.DoesNotContain("4x+1", members);
        Assert.DoesNotContain("x+1", members);
        Assert.Contains("2x+3", members);
        var draws = Enumerable.Range(0, 2000).Select(i => family.Draw(new Random(i)).ToString()).ToHashSet();
        Assert.Equal(57, draws.Count);
        Assert.Equal("ax+b, a in 0..5, b in 0..9, except 4x+1, 3x+7, x+1", family.Canonical);
        Assert.Equal(family.Canonical, TaskParser.Parse(family.Canonical).Canonical);
    }

    [Fact]
    public void GivenFamilyWithoutRanges_WhenParsed_ThenDefaultsAreMinus5To5AndMinus10To10()
    {
        var family = TaskParser.Parse("ax+b");
        Assert.Equal([new ParameterRange('a', -5, 5), new ParameterRange('b', -10, 10)], family.Ranges);
        Assert.Equal(11 * 21, family.Members().Count());
    }

    [Fact]
    public void GivenFamily_WhenDrawn_ThenMemberIsInTheFamilyAndReproducible()
    {
        var family = TaskParser.Parse("ax+b, a in -2..2, b in 0..3");
        var all = family.Members().ToHashSet();
        var first = Enumerable.Range(0, 20).Select(i => family.Draw(new Random(i))).ToList();
        var second = Enumerable.Range(0, 20).Select(i => family.Draw(new Random(i))).ToList();
        Assert.All(first, f => Assert.Contains(f, all));
        Assert.Equal(first, second);
    }

    [Fact]
    public void GivenHugeValue_WhenApplied_ThenOverflowIsChecked()
    {
        Assert.Throws<OverflowException>(() => TaskParser.Parse("x^12").Function.Apply(100_000));
    }

    [Property]
    public bool GivenLinearCoefficients_WhenFormattedAndParsed_ThenTheFunctionIsTheSame(short a, short b, sbyte x)
    {
        var f = new IntegerFunction([b, a]);
        var parsed = TaskParser.Parse(f.ToString()).Function;
        return parsed.Equals(f) && parsed.Apply(x) == (long)a * x + b;
    }

    [Property]
    public bool GivenModulus_WhenApplied_ThenValueIsInRange(short a, short b, short x, byte m)
    {
        var modulus = m + 2L;
        var y = new IntegerFunction([b, a], modulus).Apply(x);
        return y >= 0 && y < modulus && (y - ((long)a * x + b)) % modulus == 0;
    }
}
