using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>Mirror of <c>struct llama_batch</c>; the arrays are owned by llama_batch_init/llama_batch_free.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct llama_batch
{
    public int n_tokens;
    public int* token;
    public float* embd;
    public int* pos;
    public int* n_seq_id;
    public int** seq_id;
    public sbyte* logits;

    /// <summary><c>sizeof(struct llama_batch)</c> computed from the header layout.</summary>
    public const int NativeSize = 56;
}
