using System.Diagnostics;

namespace Probing.ToyModels.Tests;

public sealed class GlibcxxPatchTests
{
    private const string Version = "GLIBCXX_3.4.32";
    private const ushort Weak = 0x2;

    private static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");

    [Fact]
    public void GivenTheBuildOutputCopy_WhenItsVersionNeedsAreRead_ThenGlibcxx3432IsWeakOrTheHostHasIt()
    {
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(OutputCopy)).Where(n => n.Name == Version).ToList();
        Assert.NotEmpty(needs); // TorchSharp 0.107 asks for it; if a later one stops, revisit the patch
        Assert.True(ElfVersionNeeds.HostHas(Version) || needs.All(n => (n.Flags & Weak) != 0),
            $"{Version} is neither provided by the host nor weak in {OutputCopy}");
    }

    [Fact]
    public void GivenAnUnpatchedCopy_WhenThePatcherRunsTwice_ThenOnlyTheFlagChangesAndTheSecondRunIsANoOp()
    {
        var original = File.ReadAllBytes(OutputCopy);
        var unpatched = (byte[])original.Clone();
        foreach (var need in ElfVersionNeeds.Read(unpatched).Where(n => n.Name == Version))
            unpatched[need.FlagsOffset] &= unchecked((byte)~Weak);
        var dir = Directory.CreateTempSubdirectory("weaken-");
        try
        {
            var path = Path.Combine(dir.FullName, "lib.so");
            File.WriteAllBytes(path, unpatched);
            var mtime = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, mtime);

            Assert.Equal(0, RunPatcher(path, "--force"));
            var once = File.ReadAllBytes(path);
            Assert.Equal(mtime, File.GetLastWriteTimeUtc(path)); // keeps MSBuild's incremental copy quiet
            var changed = Enumerable.Range(0, once.Length).Where(i => once[i] != unpatched[i]).ToList();
            var flagged = ElfVersionNeeds.Read(once).Where(n => n.Name == Version).ToList();
            Assert.All(flagged, n => Assert.Equal(Weak, (ushort)(n.Flags & Weak)));
            Assert.Equal(flagged.Select(n => n.FlagsOffset), changed);

            Assert.Equal(0, RunPatcher(path, "--force"));
            Assert.Equal(once, File.ReadAllBytes(path));
            Assert.Equal(0, RunPatcher(path, "--check"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static int RunPatcher(string library, string flag)
    {
        var script = Path.Combine(ElfVersionNeeds.RepoRoot(), "build", "weaken_glibcxx.py");
        using var process = Process.Start(new ProcessStartInfo("python3", [script, library, flag])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(error.Length == 0, error);
        return process.ExitCode;
    }
}
