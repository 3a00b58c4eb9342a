using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class SpecialFunctionsTests
{
    [Theory]
    [InlineData(0.5, 0.57236494292470008707)] // ln √π
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(10.0, 12.801827480081469611)] // ln 9!
    [InlineData(100.0, 359.13420536957539878)]
    [InlineData(0.1, 2.2527126517342059599)]
    [InlineData(1e-3, 6.9071788853838536)]
    public void GivenKnownArgument_WhenLogGamma_ThenMatchesReferenceTo1e13Relative(double x, double expected) =>
        Assert.True(Math.Abs(SpecialFunctions.LogGamma(x) - expected) <= 1e-13 * Math.Max(1, Math.Abs(expected)),
            $"lnΓ({x}) = {SpecialFunctions.LogGamma(x):R}, expected {expected:R}");

    [Theory]
    [InlineData(1.0, -0.57721566490153286061)] // −γ
    [InlineData(0.5, -1.9635100260214234794)] // −γ − 2 ln 2
    [InlineData(2.0, 0.42278433509846713939)] // 1 − γ
    [InlineData(10.0, 2.2517525890667211076)]
    [InlineData(0.01, -100.56088545786867450)]
    public void GivenKnownArgument_WhenDigamma_ThenMatchesReferenceTo1e12(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.Digamma(x), 12);

    [Property(MaxTest = 200)]
    public bool GivenPositiveX_WhenLogGammaRecurrence_ThenLnGammaXPlus1EqualsLnXPlusLnGammaX(int seed)
    {
        var x = 0.01 + (uint)seed % 100_000 / 1000.0;
        var lhs = SpecialFunctions.LogGamma(x + 1);
        var rhs = Math.Log(x) + SpecialFunctions.LogGamma(x);
        return Math.Abs(lhs - rhs) <= 1e-12 * Math.Max(1, Math.Abs(lhs));
    }

    [Property(MaxTest = 200)]
    public bool GivenPositiveX_WhenDigamma_ThenMatchesDerivativeOfLogGamma(int seed)
    {
        var x = 0.2 + (uint)seed % 50_000 / 1000.0;
        const double h = 1e-5;
        var numeric = (SpecialFunctions.LogGamma(x + h) - SpecialFunctions.LogGamma(x - h)) / (2 * h);
        return Math.Abs(numeric - SpecialFunctions.Digamma(x)) < 1e-6;
    }

    [Fact]
    public void GivenNonPositiveArgument_WhenLogGamma_ThenArgumentException() =>
        Assert.Throws<ArgumentException>(() => SpecialFunctions.LogGamma(0.0));
}
