using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Exceptions;
using LLama.Native;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// Starts llama.cpp through LLamaSharp once per process and points our own few P/Invokes (<see cref="LlamaNative"/>,
/// <see cref="GgmlNative"/>) at the very libraries LLamaSharp loaded.
/// <para>
/// LLamaSharp picks one native variant folder (runtimes/linux-x64/native/avx512, avx2, avx, noavx; cuda12 for the
/// CUDA backend) and loads <c>libllama.so</c> from it; the loader brings <c>libggml.so</c>, <c>libggml-base.so</c> and
/// <c>libggml-cpu.so</c> from the same folder (RUNPATH $ORIGIN). Our imports are resolved by bare library name only after that, so the
/// dynamic loader hands back the already-loaded copy (it matches by SONAME) instead of loading a second ggml whose
/// tensors and type tables would not be the ones llama.cpp uses.
/// </para>
/// </summary>
internal static class LlamaLibrary
{
    public const string LlamaName = "llama";
    public const string GgmlName = "ggml";
    public const string GgmlBaseName = "ggml-base";
    public const string GgmlCpuName = "ggml-cpu";

    private static readonly Lock Gate = new();
    private static bool _resolverRegistered;
    private static bool _loaded;
    private static Exception? _loadFailure;
    private static LlamaHost? _host;

    /// <summary>"cpu" or "cuda": the backend package this build references (-p:LlamaBackend).</summary>
    public static string Backend => Metadata("LlamaBackend") ?? "cpu";

    /// <summary>The LLamaSharp package version this build references.</summary>
    public static string LlamaSharpVersion => Metadata("LLamaSharpVersion") ?? "unknown";

    /// <summary>
    /// Loads llama.cpp (LLamaSharp's variant choice, log capture, <c>llama_backend_init</c>) and checks that a CUDA
    /// build really found a CUDA device. Safe to call often; a failure is remembered and rethrown.
    /// </summary>
    /// <exception cref="DllNotFoundException">The native libraries or one of their dependencies (libgomp) are missing.</exception>
    /// <exception cref="NotSupportedException">A CUDA build found no CUDA device.</exception>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_host is not null) return;
            LoadLlamaSharp();
            RegisterResolver();
            var host = LlamaHost.Describe(Backend, LlamaSharpVersion, Devices());
            if (CudaProblem(Backend, host) is { } problem) throw _loadFailure = problem;
            _host = host;
        }
    }

    /// <summary>
    /// A CUDA build that ended up without a CUDA device: LLamaSharp would quietly run on the CPU, and the user
    /// would report CPU figures as GPU ones. Null when the backend and the devices agree.
    /// </summary>
    internal static NotSupportedException? CudaProblem(string backend, LlamaHost host) =>
        backend == "cuda" && !host.HasCudaDevice
            ? new NotSupportedException(
                $"this build runs llama.cpp on CUDA (-p:LlamaBackend=cuda) but llama.cpp found no CUDA device (devices: {string.Join(", ", host.Devices)}; native variant {host.Variant}); check the NVIDIA driver and the CUDA 12 runtime with nvidia-smi, or rebuild without -p:LlamaBackend=cuda to run on the CPU.")
            : null;

    /// <summary>What hosts llama.cpp in this process (recorded in run.json).</summary>
    public static LlamaHost Host
    {
        get { EnsureInitialized(); return _host!; }
    }

    /// <summary>Names of the ggml backend devices llama.cpp sees, e.g. "CPU", "CUDA0".</summary>
    public static IReadOnlyList<string> Devices()
    {
        lock (Gate) LoadLlamaSharp();
        var names = new List<string>();
        for (nuint i = 0; i < NativeApi.ggml_backend_dev_count(); i++)
            names.Add(Marshal.PtrToStringUTF8(NativeApi.ggml_backend_dev_name(NativeApi.ggml_backend_dev_get(i))) ?? "");
        return names;
    }

    private static void LoadLlamaSharp()
    {
        if (_loaded) return;
        if (_loadFailure is not null) throw _loadFailure;
        try
        {
            // Configuration is only accepted before the first native call; CUDA without a silent CPU fallback.
            if (!NativeLibraryConfig.LLama.LibraryHasLoaded && Backend == "cuda")
                NativeLibraryConfig.All.WithCuda(true).WithAutoFallback(false);
            LlamaLog.Install();
            // The first NativeApi call loads the library, sets the log callback and runs llama_backend_init.
            // Before it, even LLamaModelParams.Default() fails with DllNotFoundException.
            NativeApi.llama_empty_call();
            _loaded = true;
        }
        catch (Exception ex) when (ex is TypeInitializationException or RuntimeError or DllNotFoundException or EntryPointNotFoundException)
        {
            throw _loadFailure = Explain(ex, library => NativeLibrary.TryLoad(library, out _));
        }
    }

    /// <summary>
    /// One line for a failed load. LLamaSharp reports every cause with the same generic text, so the usual one on
    /// Linux (the OpenMP runtime the CPU libraries link against) is checked for by name.
    /// </summary>
    internal static Exception Explain(Exception failure, Func<string, bool> canLoad)
    {
        if (!canLoad("libgomp.so.1"))
            return new DllNotFoundException(
                "llama.cpp cannot start: its libraries need libgomp.so.1 (the GNU OpenMP runtime), which this machine lacks; install it (Debian/Ubuntu: sudo apt-get install libgomp1; Fedora: sudo dnf install libgomp) and run again.");
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        if (!Directory.Exists(native))
            return new DllNotFoundException(
                $"llama.cpp cannot start: no native libraries in {native}; rebuild (dotnet build restores LLamaSharp.Backend.Cpu, or LLamaSharp.Backend.Cuda12 with -p:LlamaBackend=cuda).");
        var inner = failure;
        while (inner.InnerException is not null) inner = inner.InnerException;
        var reason = inner.Message.Split('\n', 2)[0].Trim();
        return new DllNotFoundException($"llama.cpp cannot start from {native}: {reason} (check the libraries with ldd, or rebuild).");
    }

    /// <summary>Maps the library names of our imports to the copies LLamaSharp already loaded.</summary>
    public static void RegisterResolver()
    {
        lock (Gate)
        {
            if (_resolverRegistered) return;
            NativeLibrary.SetDllImportResolver(typeof(LlamaLibrary).Assembly, Resolve);
            _resolverRegistered = true;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var soname = name switch
        {
            LlamaName => "libllama.so",
            GgmlName => "libggml.so",
            GgmlBaseName => "libggml-base.so",
            // libggml.so needs libggml-cpu.so (DT_NEEDED), so it is loaded from the same folder under this SONAME.
            GgmlCpuName => "libggml-cpu.so",
            _ => null,
        };
        if (soname is null) return 0;
        lock (Gate) LoadLlamaSharp();
        // A bare name (no slash) makes dlopen return the object already loaded under that SONAME.
        return NativeLibrary.Load(soname);
    }

    private static string? Metadata(string key) =>
        typeof(LlamaLibrary).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>A NUL-terminated UTF-8 string from native memory, or "" for NULL.</summary>
    public static unsafe string Utf8(byte* text) => text is null ? "" : Marshal.PtrToStringUTF8((nint)text) ?? "";
}
