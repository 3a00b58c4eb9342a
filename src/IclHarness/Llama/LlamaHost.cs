namespace Probing.IclHarness.Llama;

/// <summary>
/// What hosts llama.cpp in this process, for run.json: the binding and backend package, the llama.cpp commit
/// their natives were built from, the native variant LLamaSharp loaded and the devices llama.cpp sees.
/// </summary>
/// <param name="Binding">"LLamaSharp 0.30.0".</param>
/// <param name="BackendPackage">"LLamaSharp.Backend.Cpu 0.30.0" or "LLamaSharp.Backend.Cuda12 0.30.0".</param>
/// <param name="LlamaCppCommit">The llama.cpp commit of that LLamaSharp release.</param>
/// <param name="Variant">The native folder LLamaSharp chose: avx512, avx2, avx, noavx (CPU) or cuda12.</param>
/// <param name="LibraryPath">The libllama.so that is loaded.</param>
/// <param name="Devices">ggml backend devices, e.g. "CPU" or "CUDA0".</param>
public sealed record LlamaHost(string Binding, string BackendPackage, string LlamaCppCommit, string Variant, string LibraryPath, IReadOnlyList<string> Devices)
{
    /// <summary>llama.cpp commit of LLamaSharp 0.30.0's natives (its release notes).</summary>
    public const string PinnedLlamaCppCommit = "c0c7e147e7efa6c5858754b47259ba4880f8a906";

    /// <summary>Whether a CUDA device is among <see cref="Devices"/>.</summary>
    public bool HasCudaDevice => Devices.Any(d => d.StartsWith("CUDA", StringComparison.OrdinalIgnoreCase));

    /// <summary>One line: binding, backend, variant, devices, commit.</summary>
    public override string ToString() =>
        $"{Binding} + {BackendPackage} ({Variant}; devices {string.Join(", ", Devices)}; llama.cpp {LlamaCppCommit[..Math.Min(8, LlamaCppCommit.Length)]})";

    internal static LlamaHost Describe(string backend, string version, IReadOnlyList<string> devices)
    {
        var library = LoadedNativeLibraries().FirstOrDefault(p => Path.GetFileName(p) == "libllama.so") ?? "";
        var variant = library.Length > 0 ? Path.GetFileName(Path.GetDirectoryName(library)) ?? "" : "unknown";
        var package = backend == "cuda" ? "LLamaSharp.Backend.Cuda12" : "LLamaSharp.Backend.Cpu";
        return new LlamaHost($"LLamaSharp {version}", $"{package} {version}", PinnedLlamaCppCommit, variant, library, devices);
    }

    /// <summary>Distinct paths of the llama.cpp and ggml shared libraries mapped into this process (/proc/self/maps).</summary>
    internal static IReadOnlyList<string> LoadedNativeLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        return File.ReadLines(maps)
            .Select(line => line.IndexOf('/') is var at and >= 0 ? line[at..] : "")
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("libllama", StringComparison.Ordinal) || name.StartsWith("libggml", StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }
}
