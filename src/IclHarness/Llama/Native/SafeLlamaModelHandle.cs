using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>Owns a <c>struct llama_model *</c>; freed with <c>llama_model_free</c>.</summary>
internal sealed class SafeLlamaModelHandle : SafeHandle
{
    public SafeLlamaModelHandle(nint model) : base(0, ownsHandle: true) => SetHandle(model);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_model_free(handle);
        return true;
    }
}
