using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// Mirror of <c>struct ggml_tensor</c> (ggml/include/ggml.h), 336 bytes on x86-64. The eval callback
/// reads the type, shape, strides and name of the tensors llama.cpp hands it; the layout test checks
/// this mirror against ggml's own accessors.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ggml_tensor
{
    public int type;                     // enum ggml_type
    public nint buffer;                  // struct ggml_backend_buffer *
    public fixed long ne[4];             // number of elements per dimension
    public fixed ulong nb[4];            // stride in bytes per dimension
    public int op;                       // enum ggml_op
    public fixed int op_params[16];
    public int flags;
    public fixed long src[10];           // struct ggml_tensor * [GGML_MAX_SRC]
    public nint view_src;
    public nuint view_offs;
    public nint data;
    public fixed byte name[64];          // GGML_MAX_NAME
    public nint extra;
    public fixed byte padding[8];

    /// <summary><c>sizeof(struct ggml_tensor)</c> computed from the header layout.</summary>
    public const int NativeSize = 336;
}
