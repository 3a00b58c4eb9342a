namespace Probing.Gguf;

/// <summary>
/// Block and byte sizes of every <see cref="GgmlType"/>, as <c>ggml_blck_size</c> and
/// <c>ggml_type_size</c> report them in the pinned libggml-base (checked against the library itself),
/// so byte sizes of quantized tensors come out right without decoding them.
/// </summary>
public static class GgmlTypeInfo
{
    /// <summary>One past the largest type id the pinned ggml knows (<c>GGML_TYPE_COUNT</c>).</summary>
    public const int TypeCount = 43;

    // (elements per block, bytes per block) by type id; (0, 0) marks a removed id.
    private static readonly (int Block, int Bytes)[] Sizes =
    [
        (1, 4), (1, 2), (32, 18), (32, 20), (0, 0), (0, 0), (32, 22), (32, 24), (32, 34), (32, 36),
        (256, 84), (256, 110), (256, 144), (256, 176), (256, 210), (256, 292),
        (256, 66), (256, 74), (256, 98), (256, 50), (32, 18), (256, 110), (256, 82), (256, 136),
        (1, 1), (1, 2), (1, 4), (1, 8), (1, 8), (256, 56), (1, 2),
        (0, 0), (0, 0), (0, 0), (256, 54), (256, 66), (0, 0), (0, 0), (0, 0),
        (32, 17), (64, 36), (128, 18), (64, 18),
    ];

    /// <summary>Whether <paramref name="typeId"/> is a tensor type the pinned ggml can store.</summary>
    public static bool IsKnown(int typeId) => typeId >= 0 && typeId < TypeCount && Sizes[typeId].Block > 0;

    /// <summary>Elements per block (1 for plain types, 32 for Q8_0, 256 for K-quants).</summary>
    public static int BlockSize(GgmlType type) => Lookup(type).Block;

    /// <summary>Bytes per block (4 for F32, 34 for Q8_0).</summary>
    public static int BlockBytes(GgmlType type) => Lookup(type).Bytes;

    /// <summary>The ggml name of a type, such as <c>f32</c>, <c>q8_0</c> or <c>q4_K</c>.</summary>
    public static string Name(GgmlType type) => type switch
    {
        GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K or GgmlType.Q8_K =>
            type.ToString().ToLowerInvariant().Replace("_k", "_K", StringComparison.Ordinal),
        _ => Enum.IsDefined(type) ? type.ToString().ToLowerInvariant() : $"type{(int)type}",
    };

    /// <summary>
    /// Bytes of a tensor of <paramref name="type"/> with dimensions <paramref name="ne"/> (GGUF order,
    /// fastest first), or null when the first dimension is not a whole number of blocks or the size
    /// does not fit in a signed 64-bit integer.
    /// </summary>
    public static long? TryByteSize(GgmlType type, ReadOnlySpan<long> ne)
    {
        var (block, bytes) = Lookup(type);
        if (ne.Length == 0) return block == 1 ? bytes : null;
        if (ne[0] % block != 0) return null;
        try
        {
            long size = checked(ne[0] / block * bytes);
            for (var i = 1; i < ne.Length; i++) size = checked(size * ne[i]);
            return size;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static (int Block, int Bytes) Lookup(GgmlType type)
    {
        var id = (int)type;
        if (!IsKnown(id))
            throw new NotSupportedException($"ggml tensor type {id} is not known to this tool (it reads types 0-{TypeCount - 1} of the pinned llama.cpp).");
        return Sizes[id];
    }
}
