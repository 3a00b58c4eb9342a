using System.Reflection;

namespace Probing.Probe.Tests;

/// <summary>
/// The dependency directions of DEVELOPERS.md, read from the built assemblies' metadata (what the runtime would
/// load), transitively: Bayes references nothing of ours and no plotting; BayesExperiments only Bayes and Runs;
/// the GGUF format references nothing of ours and no package;
/// ToyModels never reaches the llama.cpp host; no library reaches the CLI packages.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] CliPackages = ["System.CommandLine", "Spectre.Console"];

    /// <summary>Every library of ours next to the test assembly (the CLI itself, probe.dll, is not a library).</summary>
    private static IReadOnlyList<string> Libraries() =>
        Directory.GetFiles(AppContext.BaseDirectory, "Probing.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(name => !name.EndsWith(".Tests", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>All assembly names reachable from <paramref name="root"/>, following only our own assemblies further.</summary>
    private static SortedSet<string> Reachable(string root)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(path)) continue;
            foreach (var reference in Assembly.LoadFrom(path).GetReferencedAssemblies())
            {
                var referenced = reference.Name!;
                if (!seen.Add(referenced)) continue;
                if (referenced.StartsWith("Probing.", StringComparison.Ordinal)) pending.Push(referenced);
            }
        }
        return seen;
    }

    [Fact]
    public void GivenBuiltLibraries_WhenListed_ThenTheKnownOnesArePresent()
    {
        var libraries = Libraries();
        Assert.Contains("Probing.Bayes", libraries);
        Assert.Contains("Probing.BayesExperiments", libraries);
        Assert.Contains("Probing.Gguf", libraries);
        Assert.Contains("Probing.IclHarness", libraries);
        Assert.Contains("Probing.ToyModels", libraries);
    }

    [Fact]
    public void GivenBayes_WhenItsReferencesAreRead_ThenItReferencesNothingOfOurs()
    {
        var ours = Reachable("Probing.Bayes").Where(n => n.StartsWith("Probing.", StringComparison.Ordinal)).ToList();
        Assert.Empty(ours);
    }

    [Fact]
    public void GivenBayes_WhenItsReferencesAreFollowed_ThenNoPlottingIsReached()
    {
        // The math never imports plotting; the Bayes experiments (BayesExperiments) draw its curves.
        Assert.DoesNotContain(Reachable("Probing.Bayes"), n => n.StartsWith("ScottPlot", StringComparison.Ordinal) || n.StartsWith("SkiaSharp", StringComparison.Ordinal));
        Assert.Contains("ScottPlot", Reachable("Probing.BayesExperiments"));
    }

    [Fact]
    public void GivenBayesExperiments_WhenItsReferencesAreFollowed_ThenOnlyBayesAndRunsOfOursAreReached()
    {
        var ours = Reachable("Probing.BayesExperiments").Where(n => n.StartsWith("Probing.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Probing.Bayes", "Probing.Runs"], ours);
    }

    [Fact]
    public void GivenGguf_WhenItsReferencesAreRead_ThenItReachesOnlyTheRuntime()
    {
        // The format stays plain C# so that ToyModels can write GGUF without llama.cpp, TorchSharp or plotting.
        var reached = Reachable("Probing.Gguf");
        Assert.NotEmpty(reached);
        Assert.All(reached, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"Probing.Gguf reaches {name}; the GGUF format references nothing of ours and no package"));
    }

    [Fact]
    public void GivenIclHarness_WhenItsReferencesAreRead_ThenItReadsGgufThroughTheFormatProject()
    {
        // The same walk must see the edge the layout promises, or the Gguf test above could pass on a missing file.
        Assert.Contains("Probing.Gguf", Reachable("Probing.IclHarness"));
    }

    [Fact]
    public void GivenToyModels_WhenItsReferencesAreFollowed_ThenTheLlamaCppHostIsNeverReached()
    {
        var reached = Reachable("Probing.ToyModels");
        Assert.DoesNotContain("Probing.IclHarness", reached);
        Assert.DoesNotContain(reached, n => n.StartsWith("LLamaSharp", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void GivenEveryLibrary_WhenItsReferencesAreFollowed_ThenNoCliPackageIsReached()
    {
        foreach (var library in Libraries())
        {
            var reached = Reachable(library);
            foreach (var package in CliPackages)
                Assert.False(reached.Contains(package), $"{library} reaches {package}; only the probe CLI may print or parse flags");
        }
    }

    [Fact]
    public void GivenTheCli_WhenItsReferencesAreRead_ThenTheCheckSeesTheCliPackages()
    {
        // The same walk over probe.dll must find the packages the other tests forbid, or those tests prove nothing.
        var reached = Reachable("probe");
        Assert.Contains("System.CommandLine", reached);
        Assert.Contains("Spectre.Console", reached);
        Assert.Contains("Probing.Bayes", reached);
    }
}
