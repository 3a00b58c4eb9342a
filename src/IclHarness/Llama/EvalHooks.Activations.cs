using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

internal sealed unsafe partial class EvalHooks
{
    /// <summary>
    /// Counts a named node in graph order; a node that does not come after the previous one starts the next
    /// ubatch (each ubatch graph computes inp_embd, then inpL / inp_scaled where it has them, then per layer kqv_out, ffn_inp, l_out).
    /// </summary>
    private void NextNode(int order)
    {
        if (order <= _lastOrder) _ubatch++;
        _lastOrder = order;
    }

    /// <summary><c>inp_embd</c> (or <c>inpL</c> / <c>inp_scaled</c>), <c>kqv_out-N</c>, <c>ffn_inp-N</c>: counted for the ubatch, copied when the plan asks for them.</summary>
    private bool HandleActivation(ggml_tensor* tensor, DecodePlan plan, GraphActivation activation, int layer, int order, bool ask)
    {
        if (ask)
        {
            NextNode(order);
            return plan.WantsActivation(activation, layer, _ubatch);
        }
        if (tensor->type != 0 || tensor->nb[0] != sizeof(float) || tensor->ne[2] * tensor->ne[3] != 1 || (long)tensor->nb[1] != tensor->ne[0] * sizeof(float))
            throw new NotSupportedException($"cannot read {GraphActivationNames.Name(activation, layer)}: it is not a contiguous 2-D F32 tensor (ggml type {tensor->type}).");
        plan.ApplyActivation(tensor, activation, layer, _ubatch);
        return true;
    }
}
