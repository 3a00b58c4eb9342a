using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

/// <summary>
/// The <c>cb_eval</c> callback of one context. llama.cpp's scheduler asks it about every graph node
/// (ask=true) and, for the nodes it wanted, calls it again once the node is computed (ask=false). We want
/// <c>l_out-N</c> and <c>result_norm</c> only when the current <see cref="DecodePlan"/> needs them, copy
/// exactly the requested rows out with <c>ggml_backend_tensor_get</c>, and write patches in with
/// <c>ggml_backend_tensor_set</c> before later layers read them.
/// <para>
/// The callback is a static <c>UnmanagedCallersOnly</c> function, so there is no delegate to collect; this
/// object is reached through a <see cref="GCHandle"/> in <c>cb_eval_user_data</c> that lives as long as the context.
/// </para>
/// </summary>
internal sealed unsafe partial class EvalHooks
{
    private static ReadOnlySpan<byte> LayerOutPrefix => "l_out-"u8;
    private static ReadOnlySpan<byte> ResultNormName => "result_norm\0"u8;

    private DecodePlan? _plan;
    private int _ubatch;
    private int _lastOrder;
    private Exception? _failure;

    /// <summary>The function pointer stored in <c>llama_context_params.cb_eval</c>.</summary>
    public static delegate* unmanaged[Cdecl]<ggml_tensor*, byte, void*, byte> Callback => &OnEval;

    /// <summary>Arms the hooks for one llama_decode call; null disarms them.</summary>
    public void Arm(DecodePlan? plan)
    {
        _plan = plan;
        _ubatch = -1;
        _lastOrder = int.MaxValue;
        _failure = null;
    }

    /// <summary>Rethrows a failure that happened inside the callback (exceptions cannot cross into native code).</summary>
    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            _failure = null;
            throw failure;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte OnEval(ggml_tensor* tensor, byte ask, void* userData)
    {
        try
        {
            var hooks = (EvalHooks)GCHandle.FromIntPtr((nint)userData).Target!;
            return hooks.Handle(tensor, ask != 0) ? (byte)1 : (byte)0;
        }
        catch (Exception ex)
        {
            // Record and keep llama.cpp running; ask=false returning 0 stops this split early.
            try { ((EvalHooks)GCHandle.FromIntPtr((nint)userData).Target!)._failure ??= ex; } catch { }
            return 0;
        }
    }

    private bool Handle(ggml_tensor* tensor, bool ask)
    {
        if (_plan is not { } plan) return !ask;
        var name = new ReadOnlySpan<byte>(tensor->name, 64);
        int layer;
        if (name.StartsWith(LayerOutPrefix)) layer = ParseLayer(name[LayerOutPrefix.Length..]);
        else if (name.StartsWith(ResultNormName)) layer = DecodePlan.ResultNormLayer;
        else if (GraphActivationNames.TryParse(name, out var activation, out var activationLayer, out var order)) return HandleActivation(tensor, plan, activation, activationLayer, order, ask);
        else return !ask;
        if (layer == int.MinValue) return !ask;

        if (ask)
        {
            if (layer != DecodePlan.ResultNormLayer)
            {
                // Every ubatch graph holds l_out-0 … l_out-(n-1) in order, so a layer index that does not
                // increase marks the next ubatch (split_simple keeps batch order in fixed-size chunks).
                NextNode(GraphActivationNames.LayerOutOrder(layer));
            }
            return plan.Wants(layer, _ubatch);
        }

        if (tensor->type != 0 || tensor->nb[0] != sizeof(float))
            throw new NotSupportedException($"cannot read {Utf8Name(name)}: it is not a contiguous F32 tensor (ggml type {tensor->type}).");
        plan.Apply(tensor, layer, _ubatch);
        return true;
    }

    private static int ParseLayer(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        var any = false;
        foreach (var b in digits)
        {
            if (b == 0) break;
            if (b is < (byte)'0' or > (byte)'9') return int.MinValue;
            value = value * 10 + (b - '0');
            any = true;
        }
        return any ? value : int.MinValue;
    }

    private static string Utf8Name(ReadOnlySpan<byte> name)
    {
        var end = name.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
    }
}
