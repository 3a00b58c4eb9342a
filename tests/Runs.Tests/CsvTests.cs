namespace Probing.Runs.Tests;

public sealed class CsvTests
{
    [Fact]
    public void GivenEveryKindOfCell_WhenWritten_ThenOneConvention()
    {
        var csv = new Csv("a", "b", "c", "d", "e", "f", "g").Row(true, false, 0.1, double.NaN, double.NegativeInfinity, null, "x, \"y\"");
        Assert.Equal("a,b,c,d,e,f,g\n1,0,0.1,nan,-inf,,\"x, \"\"y\"\"\"\n", csv.ToString());
    }

    [Fact]
    public void GivenGermanCulture_WhenNumbersWritten_ThenInvariant()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("h\n1.5,1000,0.1\n", new Csv("h").Row(1.5, 1000, 0.1f).ToString());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }
}
