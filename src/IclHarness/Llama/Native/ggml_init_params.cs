using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>Mirror of <c>struct ggml_init_params</c>; used only to make a tensor for the layout test.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ggml_init_params
{
    public nuint mem_size;
    public nint mem_buffer;
    public byte no_alloc;
}
