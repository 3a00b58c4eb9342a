using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// Owns a <c>struct llama_context *</c>; freed with <c>llama_free</c>. It also keeps alive the model it
/// was made from and the GC handle behind <c>cb_eval_user_data</c>, which llama.cpp may use until
/// <c>llama_free</c> returns.
/// </summary>
internal sealed class SafeLlamaContextHandle : SafeHandle
{
    private readonly SafeLlamaModelHandle _model;
    private readonly bool _addedModelRef;
    private GCHandle _callbackState;

    public SafeLlamaContextHandle(nint context, SafeLlamaModelHandle model, GCHandle callbackState) : base(0, ownsHandle: true)
    {
        SetHandle(context);
        _model = model;
        _model.DangerousAddRef(ref _addedModelRef);
        _callbackState = callbackState;
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_free(handle);
        if (_callbackState.IsAllocated) _callbackState.Free();
        if (_addedModelRef) _model.DangerousRelease();
        return true;
    }
}
