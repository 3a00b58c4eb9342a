using System.Numerics;
using FsCheck;
using FsCheck.Xunit;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Patching;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Icl.TaskVector;
using Probing.Runs;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>
/// Tasks and x ranges at the ends of the 64-bit integers: counts that are exact however wide the ranges, draws that
/// reach every value, modular values that never overflow, and one-line refusals that name the option to fix.
/// </summary>
public sealed class TaskLimitsTests
{
    private static readonly BigInteger TwoTo64 = BigInteger.Pow(2, 64);

    private static IclRunOptions Options(string task, string? family = null) => new()
    {
        Task = TaskParser.Parse(task),
        Template = IclModels.Template(),
        IdealFamily = family is null ? null : TaskParser.Parse(family),
    };

    [Fact]
    public void GivenAFamilyOverTheWhole64BitRange_WhenCounted_ThenItHas2To64MembersNotZero()
    {
        // The count wrapped to 0, passed the million-member bound, and the ideal learner enumerated it until memory ran out.
        var family = TaskParser.Parse("ax, a in -9223372036854775808..9223372036854775807");
        Assert.Equal(TwoTo64, family.MemberCount);
        Assert.Equal((UInt128)TwoTo64, family.Ranges[0].Count);
    }

    [Fact]
    public void GivenTheWhole64BitRangeAsIdealFamily_WhenValidated_ThenRefusedNamingIdealFamilyBeforeAnyMemberIsMade()
    {
        var ex = Assert.Throws<ArgumentException>(() => Options("2x+3", "ax, a in -9223372036854775808..9223372036854775807").Validate());
        Assert.Contains("IdealFamily has 18446744073709551616 members", ex.Message);
        Assert.Equal(["IdealFamily"], OptionNames.In(ex));
    }

    [Fact]
    public void GivenAFamilyWhoseCountOverflowsALong_WhenCountedAndDrawn_ThenExactAndNoOverflowException()
    {
        var family = TaskParser.Parse("ax+b, a in 0..9223372036854775807, b in 0..1");
        Assert.Equal(TwoTo64, family.MemberCount);
        var draws = Enumerable.Range(0, 50).Select(i => family.Draw(new Random(i))).ToList();
        Assert.All(draws, f => Assert.InRange(f.Coefficients.Count > 1 ? f.Coefficients[1] : 0, 0, long.MaxValue));
        Assert.Throws<ArgumentException>(() => Options(family.Text).Validate());
    }

    [Fact]
    public void GivenTheTasksOwnFamilyTooLargeForTheIdealLearner_WhenValidated_ThenTheMessageNamesTheTaskAndOffersAFamily()
    {
        // The user passed no family: the message must not read as if they had.
        var ex = Assert.Throws<ArgumentException>(() => Options("ax+b, a in 0..3000, b in 0..3000").Validate());
        Assert.Contains("Task has 9006001 members", ex.Message);
        Assert.Contains("narrow the ranges in Task", ex.Message);
        Assert.Equal(["Task", "IdealFamily"], OptionNames.In(ex));
    }

    [Theory]
    [InlineData("-a, a in -9223372036854775808..0", "the constant term reaches 9223372036854775808, beyond a 64-bit integer; narrow the range of 'a'")]
    [InlineData("ax+ax, a in 0..9223372036854775807", "the coefficient of x reaches 18446744073709551614")]
    [InlineData("x + 9223372036854775807 + 1", "the constant term reaches 9223372036854775808, beyond a 64-bit integer; use smaller numbers")]
    [InlineData("ax+b, a in 0..5, b in 0..9, except x, x", "x is excluded twice at column 39; list each function once")]
    [InlineData("ax, a in 0..5, except 9223372036854775807x + 1x", "beyond a 64-bit integer")]
    public void GivenASpecWhoseCoefficientsOrExclusionsCannotBeMembers_WhenParsed_ThenFormatExceptionSaysWhy(string spec, string message)
    {
        var ex = Assert.Throws<FormatException>(() => TaskParser.Parse(spec));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void GivenCoefficientsThatFitOnlyAfterSumming_WhenParsed_ThenTheFunctionIsExact()
    {
        // The partial sum 9223372036854775807 + 1 does not fit; the coefficient does.
        Assert.Equal(9223372036854775807L, TaskParser.Parse("9223372036854775807 + 1 - 1").Function.Apply(0));
    }

    [Theory]
    [InlineData("x mod 9223372036854775807", 4, 4)]
    [InlineData("x mod 9223372036854775807", -1, 9223372036854775806)]
    [InlineData("x mod 9223372036854775807", long.MinValue, 9223372036854775806)]
    [InlineData("x^2 mod 10", 10_000_000_000, 0)]
    [InlineData("x^12 + 3 mod 7", long.MaxValue, 3)]
    public void GivenAModulus_WhenAppliedWhereTheUnreducedValueOverflows_ThenTheResidueIsExact(string spec, long x, long y) =>
        Assert.Equal(y, TaskParser.Parse(spec).Function.Apply(x));

    [Property]
    public bool GivenAnyCoefficientsXAndModulus_WhenApplied_ThenTheResidueEqualsTheExactOne(
        DoNotSize<long> a0, DoNotSize<long> a1, DoNotSize<long> a2, DoNotSize<long> ax, DoNotSize<long> am)
    {
        // Unsized: the whole 64-bit range, where the unreduced value overflows almost always.
        var (c0, c1, c2, x, m) = (a0.Item, a1.Item, a2.Item, ax.Item, am.Item);
        var modulus = m == long.MinValue ? long.MaxValue : Math.Max(2, Math.Abs(m));
        var exact = (BigInteger)c2 * x * x + (BigInteger)c1 * x + c0;
        var residue = (long)(((exact % modulus) + modulus) % modulus);
        return new IntegerFunction([c0, c1, c2], modulus).Apply(x) == residue;
    }

    [Theory]
    [InlineData(9223372036854775790, 9223372036854775807)]
    [InlineData(-9223372036854775808, -9223372036854775790)]
    [InlineData(0, 9223372036854775807)]
    [InlineData(-9223372036854775808, 9223372036854775807)]
    public void GivenAnXRangeAtTheEndsOfTheLongs_WhenDrawn_ThenEveryXIsInsideAndDistinct(long min, long max)
    {
        var xs = ExampleSampler.DrawX(new Random(3), 12, min, max, distinct: true);
        Assert.All(xs, x => Assert.InRange(x, min, max));
        Assert.Equal(12, xs.Distinct().Count());
    }

    [Fact]
    public void GivenTheWholeLongRange_WhenCounted_ThenItHolds2To64Values()
    {
        Assert.Equal((UInt128)TwoTo64, ExampleSampler.CountValues(long.MinValue, long.MaxValue));
        Assert.Equal((UInt128)long.MaxValue + 1, ExampleSampler.CountValues(0, long.MaxValue));
        Assert.Equal(UInt128.Zero, ExampleSampler.CountValues(1, 0));
    }

    [Fact]
    public void GivenTheWholeLongRangeWithTheSweepOn_WhenValidated_ThenTheSweepSpanIsRefusedNotWrappedAround()
    {
        var options = Options("2x+3") with { XMin = long.MinValue, XMax = long.MaxValue };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("more than 1001 values", ex.Message);
    }

    [Fact]
    public void GivenWideXRanges_WhenPatchAndTaskVectorValidate_ThenTheyAreNotTooSmall()
    {
        var task = TaskParser.Parse("2x+3");
        new IclPatchOptions(task, TaskParser.Parse("3x+1"), IclModels.Template(), XMin: long.MinValue, XMax: long.MaxValue).Validate();
        new IclTaskVectorOptions(task, IclModels.Template(), XMin: long.MinValue, XMax: long.MaxValue).Validate();
        var ex = Assert.Throws<ArgumentException>(() => new IclPatchOptions(task, TaskParser.Parse("3x+1"), IclModels.Template(), Examples: 8, XMin: 0, XMax: 8).Validate());
        Assert.Contains("holds 9 values, too few for 8 examples and two distinct query x", ex.Message);
    }

    [Fact]
    public void GivenHugeParameterRanges_WhenDrawn_ThenTheUsualRangesKeepTheirDraws()
    {
        // Seeds keep their bytes: a range whose max + 1 fits draws exactly what Random.NextInt64 drew before.
        var family = TaskParser.Parse("ax+b, a in -5..5, b in -10..10");
        var random = new Random(7);
        var expected = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var f = family.Draw(random);
            var a = expected.NextInt64(-5, 6);
            var b = expected.NextInt64(-10, 11);
            Assert.Equal(new IntegerFunction([b, a]), f);
        }
    }
}
