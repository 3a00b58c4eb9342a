using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>Mirror of <c>struct ggml_cplan</c> (ggml/include/ggml-cpu.h), 56 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ggml_cplan
{
    public nuint work_size;          // size of the work buffer ggml_graph_plan asks for
    public nint work_data;           // the work buffer, allocated by the caller
    public int n_threads;
    public nint threadpool;          // struct ggml_threadpool *
    public nint abort_callback;      // ggml_abort_callback
    public nint abort_callback_data;
    public byte use_ref;             // bool: reference kernels only

    /// <summary><c>sizeof(struct ggml_cplan)</c> computed from the header layout.</summary>
    public const int NativeSize = 56;
}
