namespace Probing.IclHarness.Llama;

/// <summary>
/// Graph tensors that a capture can copy out besides <c>l_out-N</c> and <c>result_norm</c>, by their
/// llama.cpp names (TransformerLens equivalents in the member docs).
/// </summary>
public enum GraphActivation
{
    /// <summary>
    /// The residual stream entering block 0 (TransformerLens <c>blocks.0.hook_resid_pre</c>); one per token, no layer.
    /// Where the graph only looks up the token embedding this is <c>inp_embd</c> (<c>embd</c> in the pinned llama.cpp,
    /// TL <c>hook_embed</c>); where it then adds learned positions (gpt2: <c>inpL</c>, TL <c>hook_embed</c> +
    /// <c>hook_pos_embed</c>) or scales it (gemma: <c>inp_scaled</c>, ×√n_embd), the later node overwrites it.
    /// </summary>
    InpEmbd,

    /// <summary>
    /// <c>kqv_out-N</c>: every head's attention output before the output projection, heads concatenated,
    /// [n_head·n_embd_head_v] per token (TransformerLens <c>blocks.N.attn.hook_z</c>, flattened head-major).
    /// </summary>
    KqvOut,

    /// <summary><c>ffn_inp-N</c> (<c>sa_out-N</c> in gemma's graph): the residual after the attention block, before the MLP (TransformerLens <c>blocks.N.hook_resid_mid</c>).</summary>
    FfnInp,
}

/// <summary>Parses graph tensor names and orders them the way every ubatch graph computes them.</summary>
internal static class GraphActivationNames
{
    private static ReadOnlySpan<byte> InpEmbd => "inp_embd\0"u8;
    private static ReadOnlySpan<byte> Embd => "embd\0"u8; // the pinned llama.cpp names the embedding rows "embd"
    private static ReadOnlySpan<byte> PositionsAdded => "inpL\0"u8; // gpt2 & co.: inp_embd + pos_embd (src/models/gpt2.cpp)
    private static ReadOnlySpan<byte> Scaled => "inp_scaled\0"u8; // gemma: inp_embd × √n_embd (src/models/gemma.cpp)
    private static ReadOnlySpan<byte> KqvOut => "kqv_out-"u8;
    private static ReadOnlySpan<byte> FfnInp => "ffn_inp-"u8;
    private static ReadOnlySpan<byte> SaOut => "sa_out-"u8; // gemma names the residual after attention sa_out-N

    /// <summary>The llama.cpp name of <paramref name="activation"/> at <paramref name="layer"/>.</summary>
    public static string Name(GraphActivation activation, int layer) => activation switch
    {
        GraphActivation.InpEmbd => "inp_embd",
        GraphActivation.KqvOut => $"kqv_out-{layer}",
        _ => $"ffn_inp-{layer}",
    };

    /// <summary>Whether <paramref name="name"/> (a NUL-padded ggml name) is one of the activations; inp_embd gets layer 0.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out GraphActivation activation, out int layer) => TryParse(name, out activation, out layer, out _);

    /// <summary>
    /// Whether <paramref name="name"/> is one of the activations, and its position in a ubatch graph (<paramref name="order"/>):
    /// the token embedding (0), the residual built from it where the graph adds positions or scales it (1), then per
    /// layer kqv_out, ffn_inp, l_out. A value that does not increase marks the next ubatch.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out GraphActivation activation, out int layer, out int order)
    {
        layer = 0;
        order = 0;
        activation = default;
        if (name.StartsWith(InpEmbd) || name.StartsWith(Embd)) { activation = GraphActivation.InpEmbd; return true; }
        if (name.StartsWith(PositionsAdded) || name.StartsWith(Scaled)) { activation = GraphActivation.InpEmbd; order = 1; return true; }
        if (name.StartsWith(KqvOut)) { activation = GraphActivation.KqvOut; layer = ParseLayer(name[KqvOut.Length..]); }
        else if (name.StartsWith(FfnInp)) { activation = GraphActivation.FfnInp; layer = ParseLayer(name[FfnInp.Length..]); }
        else if (name.StartsWith(SaOut)) { activation = GraphActivation.FfnInp; layer = ParseLayer(name[SaOut.Length..]); }
        else return false;
        order = Order(activation, layer);
        return layer >= 0;
    }

    /// <summary>Graph order of a layer's activation (<see cref="TryParse(ReadOnlySpan{byte}, out GraphActivation, out int, out int)"/>); the token embedding is 0.</summary>
    public static int Order(GraphActivation activation, int layer) => activation switch
    {
        GraphActivation.InpEmbd => 0,
        GraphActivation.KqvOut => 4 * layer + 2,
        _ => 4 * layer + 3,
    };

    /// <summary>The graph order of <c>l_out-N</c>.</summary>
    public static int LayerOutOrder(int layer) => 4 * layer + 4;

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
