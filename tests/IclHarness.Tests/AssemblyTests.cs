namespace Probing.IclHarness.Tests;

public sealed class AssemblyTests
{
    [Fact]
    public void GivenLibrary_WhenLoaded_ThenItsAssemblyIsNamedProbing() =>
        Assert.Equal("Probing.IclHarness", typeof(Probing.IclHarness.HarnessInfo).Assembly.GetName().Name);
}
