namespace Probing.Gguf;

/// <summary>One entry of a GGUF tensor directory.</summary>
/// <param name="Name">Tensor name, such as <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Type">Storage type.</param>
/// <param name="Dimensions">
/// Sizes in GGUF/ggml order (<c>ne</c>, fastest-varying first): a PyTorch weight of shape
/// [out, in] is stored as ne = [in, out].
/// </param>
/// <param name="Offset">Byte offset of the data from the start of the data section.</param>
/// <param name="ByteSize">Bytes of data (whole blocks for quantized types).</param>
/// <param name="FileOffset">Absolute byte offset of the data in the file.</param>
public sealed record GgufTensorInfo(
    string Name, GgmlType Type, IReadOnlyList<long> Dimensions, long Offset, long ByteSize, long FileOffset)
{
    /// <summary>Number of elements (the product of <see cref="Dimensions"/>).</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (product, d) => product * d);

    /// <summary>The dimensions formatted like <c>[64, 259]</c>.</summary>
    public string Shape => "[" + string.Join(", ", Dimensions) + "]";
}
