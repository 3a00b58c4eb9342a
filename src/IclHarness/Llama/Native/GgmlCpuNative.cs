using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// P/Invoke declarations for <c>libggml-cpu</c> (ggml/include/ggml-cpu.h): planning and computing a graph on ggml's
/// CPU kernels, the ones llama.cpp's CPU backend runs. Keeps the C names; resolved to the copy LLamaSharp loaded
/// (<see cref="LlamaLibrary"/>).
/// </summary>
internal static unsafe partial class GgmlCpuNative
{
    private const string Cpu = LlamaLibrary.GgmlCpuName;

    static GgmlCpuNative() => LlamaLibrary.RegisterResolver();

    /// <summary><c>GGML_STATUS_SUCCESS</c>.</summary>
    public const int GGML_STATUS_SUCCESS = 0;

    /// <summary>Fills ggml's F16 and GELU tables; once per process (later calls return at once). The CPU backend's registration calls it too.</summary>
    [LibraryImport(Cpu)] public static partial void ggml_cpu_init();

    /// <summary>The work buffer size and thread count for <paramref name="cgraph"/>; <paramref name="threadpool"/> NULL lets compute make its own.</summary>
    [LibraryImport(Cpu)] public static partial ggml_cplan ggml_graph_plan(nint cgraph, int n_threads, nint threadpool);

    /// <summary>Computes <paramref name="cgraph"/>; returns an <c>enum ggml_status</c>.</summary>
    [LibraryImport(Cpu)] public static partial int ggml_graph_compute(nint cgraph, ggml_cplan* cplan);
}
