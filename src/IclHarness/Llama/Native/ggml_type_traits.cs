using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>Mirror of <c>struct ggml_type_traits</c> (ggml/include/ggml.h), 56 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ggml_type_traits
{
    public byte* type_name;
    public long blck_size;
    public long blck_size_interleave;
    public nuint type_size;
    public byte is_quantized;
    /// <summary><c>void (*)(const void * x, float * y, int64_t k)</c>, NULL for types without one.</summary>
    public delegate* unmanaged[Cdecl]<void*, float*, long, void> to_float;
    public nint from_float_ref;

    /// <summary><c>sizeof(struct ggml_type_traits)</c> computed from the header layout.</summary>
    public const int NativeSize = 56;
}
