namespace Probing.ToyModels.Checkpoints;

/// <summary>
/// One tensor of a safetensors file: its dtype name as the format spells it (<c>F32</c>, <c>I64</c>, …),
/// its shape, and its raw little-endian bytes.
/// </summary>
/// <param name="DType">The safetensors dtype name, e.g. <c>F32</c>.</param>
/// <param name="Shape">The tensor's shape; empty for a scalar.</param>
/// <param name="Data">The element bytes, little-endian, row-major.</param>
public sealed record SafeTensorEntry(string DType, long[] Shape, byte[] Data)
{
    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>An F32 entry from float values.</summary>
    public static SafeTensorEntry FromFloats(ReadOnlySpan<float> values, params long[] shape)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        var entry = new SafeTensorEntry("F32", shape, bytes);
        if (entry.ElementCount != values.Length)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] does not hold {values.Length} values.", nameof(shape));
        return entry;
    }

    /// <summary>The values of an F32, F16, BF16 or F64 entry as floats.</summary>
    public float[] ToFloats()
    {
        var n = checked((int)ElementCount);
        var result = new float[n];
        var span = Data.AsSpan();
        for (var i = 0; i < n; i++)
        {
            result[i] = DType switch
            {
                "F32" => System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]),
                "F64" => (float)System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(span[(i * 8)..]),
                "F16" => (float)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(span[(i * 2)..]),
                // bfloat16 is the upper half of an IEEE float.
                "BF16" => BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(span[(i * 2)..]) << 16),
                _ => throw new NotSupportedException($"Tensor dtype {DType} is not a floating-point type; expected F32, F16, BF16 or F64."),
            };
        }

        return result;
    }
}
