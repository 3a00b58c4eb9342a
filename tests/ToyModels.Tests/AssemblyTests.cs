namespace Probing.ToyModels.Tests;

public sealed class AssemblyTests
{
    [Fact]
    public void GivenLibrary_WhenLoaded_ThenItsAssemblyIsNamedProbing() =>
        Assert.Equal("Probing.ToyModels", typeof(Probing.ToyModels.ToyModelsInfo).Assembly.GetName().Name);
}
