namespace Probing.IclHarness.Llama;

/// <summary>
/// Graph tensors that a capture can copy out besides <c>l_out-N</c> and <c>result_norm</c>, by their
/// llama.cpp names (TransformerLens equivalents in the member docs).
/// </summary>
public enum GraphActivation
{
    /// <summary><c>inp_embd</c> (<c>embd</c> in the pinned llama.cpp): the token embeddings that enter block 0 (TransformerLens <c>hook_embed</c>); one per token, no layer.</summary>
    InpEmbd,

    /// <summary>
    /// <c>kqv_out-N</c>: every head's attention output before the output projection, heads concatenated,
    /// [n_head·n_embd_head_v] per token (TransformerLens <c>blocks.N.attn.hook_z</c>, flattened head-major).
    /// </summary>
    KqvOut,

    /// <summary><c>ffn_inp-N</c>: the residual after the attention block, before the MLP (TransformerLens <c>blocks.N.hook_resid_mid</c>).</summary>
    FfnInp,
}

/// <summary>Parses graph tensor names and orders them the way every ubatch graph computes them.</summary>
internal static class GraphActivationNames
{
    private static ReadOnlySpan<byte> InpEmbd => "inp_embd\0"u8;
    private static ReadOnlySpan<byte> Embd => "embd\0"u8; // the pinned llama.cpp names the embedding rows "embd"
    private static ReadOnlySpan<byte> KqvOut => "kqv_out-"u8;
    private static ReadOnlySpan<byte> FfnInp => "ffn_inp-"u8;

    /// <summary>The llama.cpp name of <paramref name="activation"/> at <paramref name="layer"/>.</summary>
    public static string Name(GraphActivation activation, int layer) => activation switch
    {
        GraphActivation.InpEmbd => "inp_embd",
        GraphActivation.KqvOut => $"kqv_out-{layer}",
        _ => $"ffn_inp-{layer}",
    };

    /// <summary>Whether <paramref name="name"/> (a NUL-padded ggml name) is one of the activations; inp_embd gets layer 0.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out GraphActivation activation, out int layer)
    {
        layer = 0;
        activation = default;
        if (name.StartsWith(InpEmbd) || name.StartsWith(Embd)) { activation = GraphActivation.InpEmbd; return true; }
        if (name.StartsWith(KqvOut)) { activation = GraphActivation.KqvOut; layer = ParseLayer(name[KqvOut.Length..]); }
        else if (name.StartsWith(FfnInp)) { activation = GraphActivation.FfnInp; layer = ParseLayer(name[FfnInp.Length..]); }
        else return false;
        return layer >= 0;
    }

    /// <summary>
    /// Position of a named node in a ubatch graph: inp_embd, then per layer kqv_out, ffn_inp, l_out. A value
    /// that does not increase marks the next ubatch.
    /// </summary>
    public static int Order(GraphActivation activation, int layer) => activation switch
    {
        GraphActivation.InpEmbd => 0,
        GraphActivation.KqvOut => 4 * layer + 1,
        _ => 4 * layer + 2,
    };

    /// <summary>The graph order of <c>l_out-N</c>.</summary>
    public static int LayerOutOrder(int layer) => 4 * layer + 3;

    private static int ParseLayer(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        var any = false;
        foreach (var b in digits)
        {
            if (b == 0) break;
            if (b is < (byte)'0' or > (byte)'9') return -1;
            value = value * 10 + (b - '0');
            any = true;
        }
        return any ? value : -1;
    }
}
