using System.Runtime;

namespace Probing.ToyModels.Training;

/// <summary>
/// Runs an action with the GC held off. TorchSharp 0.107's own AdamW.step converts doubles to Scalar
/// temporaries (beta, 1 - beta, eps, lr, the bias corrections) that are unreachable while the native
/// call still reads them; a GC in that window lets their finalizers free the scalars ("toFloat"/"toDouble"
/// crash in THSTensor_add / THSTensor_div_scalar). Their code cannot be changed, so no GC may run during
/// it: the step's few managed allocations fit far inside the budget.
/// </summary>
internal static class NoGcStep
{
    // A step allocates a few dozen small wrapper objects per parameter; 16 MiB leaves a wide margin.
    private const long Budget = 16L << 20;

    public static void Run(Action action)
    {
        var held = false;
        try { held = GC.TryStartNoGCRegion(Budget); }
        catch (InvalidOperationException) { } // already in a region (nested use): it still holds the GC off
        try { action(); }
        finally
        {
            if (held && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try { GC.EndNoGCRegion(); }
                catch (InvalidOperationException) { } // the region ended early (budget exceeded or an induced GC)
            }
        }
    }
}
