namespace Probing.Runs.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public void GivenText_WhenWritten_ThenFileHoldsItAndNoTemporaryFileRemains()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "sub", "a.csv");
        AtomicFile.WriteAllText(path, "x,y\n1,2\n");
        AtomicFile.WriteAllText(path, "x,y\n3,4\n");
        Assert.Equal("x,y\n3,4\n", File.ReadAllText(path));
        Assert.Equal(["a.csv"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void GivenWriterThatFails_WhenWriting_ThenOldFileStaysAndNoTemporaryFileRemains()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "a.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write([9, 9]);
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void GivenPngCallback_WhenWritten_ThenTemporaryPathHasThePngExtension()
    {
        using var temp = new TempFolder();
        string? seen = null;
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0];
        AtomicFile.WritePng(Path.Combine(temp.Path, "plot.png"), t =>
        {
            seen = t;
            File.WriteAllBytes(t, png);
        });
        Assert.EndsWith(".png", seen);
        Assert.Equal(temp.Path, Path.GetDirectoryName(seen));
        Assert.Equal(png, File.ReadAllBytes(Path.Combine(temp.Path, "plot.png")));
    }

    [Fact]
    public void GivenBytesThatAreNotPng_WhenWrittenAsPng_ThenRefusedAndNothingWritten()
    {
        using var temp = new TempFolder();
        Assert.Throws<ArgumentException>(() => AtomicFile.WritePng(Path.Combine(temp.Path, "plot.png"), "GIF89a"u8));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void GivenLeftoverTemporaryFiles_WhenRemoved_ThenOnlyThoseGo()
    {
        using var temp = new TempFolder();
        var keep = Path.Combine(temp.Path, "model.safetensors");
        File.WriteAllText(keep, "x");
        File.WriteAllText(AtomicFile.TempPath(keep), "half");
        File.WriteAllText(Path.Combine(temp.Path, ".hidden"), "user file");
        Assert.Equal(1, AtomicFile.RemoveLeftovers(temp.Path));
        Assert.Equal(["model.safetensors", ".hidden"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).OrderDescending());
    }
}
