using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Probing.Gguf;

/// <summary>
/// Encodes floats into the tensor types the writer produces (F32, F16, Q8_0) and decodes F32, F16,
/// BF16 and Q8_0, bit for bit as ggml's reference code does. Other quantized types are decoded by
/// ggml itself (<c>ggml_get_type_traits(type)->to_float</c>) through the native binding.
/// </summary>
public static class GgmlConvert
{
    /// <summary>Elements per Q8_0 block (<c>QK8_0</c>).</summary>
    public const int Q8_0BlockSize = 32;

    /// <summary>Bytes per Q8_0 block: an fp16 scale and 32 int8 quants.</summary>
    public const int Q8_0BlockBytes = 2 + Q8_0BlockSize;

    /// <summary>Encodes <paramref name="values"/> as <paramref name="type"/> (F32, F16 or Q8_0).</summary>
    /// <exception cref="NotSupportedException">Another type was asked for.</exception>
    /// <exception cref="ArgumentException">Q8_0 with a length that is not a multiple of 32.</exception>
    public static byte[] Encode(GgmlType type, ReadOnlySpan<float> values) => type switch
    {
        GgmlType.F32 => MemoryMarshal.AsBytes(values).ToArray(),
        GgmlType.F16 => EncodeF16(values),
        GgmlType.Q8_0 => EncodeQ8_0(values),
        _ => throw new NotSupportedException($"the GGUF writer encodes F32, F16 and Q8_0, not {GgmlTypeInfo.Name(type)}."),
    };

    /// <summary>Decodes <paramref name="count"/> values of <paramref name="type"/> (F32, F16, BF16 or Q8_0).</summary>
    /// <exception cref="NotSupportedException">Another type; decode it through ggml.</exception>
    /// <exception cref="ArgumentException">The byte count does not match <paramref name="count"/>.</exception>
    public static float[] ToFloat32(GgmlType type, ReadOnlySpan<byte> bytes, long count)
    {
        var expected = GgmlTypeInfo.TryByteSize(type, [count]);
        if (expected != bytes.Length)
            throw new ArgumentException($"{count} values of type {GgmlTypeInfo.Name(type)} take {expected?.ToString() ?? "an invalid number of"} bytes, but {bytes.Length} were given.", nameof(bytes));
        var result = new float[count];
        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
                break;
            case GgmlType.F16:
                for (var i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case GgmlType.BF16:
                for (var i = 0; i < result.Length; i++)
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            case GgmlType.Q8_0:
                DecodeQ8_0(bytes, result);
                break;
            default:
                throw new NotSupportedException($"managed decoding covers F32, F16, BF16 and Q8_0; decode {GgmlTypeInfo.Name(type)} through ggml's type traits.");
        }

        return result;
    }

    private static byte[] EncodeF16(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 2];
        // (Half) rounds to nearest even, as GGML_FP32_TO_FP16 does.
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
        return bytes;
    }

    // quantize_row_q8_0_ref: d = max|x| / 127, q = roundf(x / d), stored as fp16 d then 32 int8 quants.
    private static byte[] EncodeQ8_0(ReadOnlySpan<float> values)
    {
        if (values.Length % Q8_0BlockSize != 0)
            throw new ArgumentException($"Q8_0 needs a multiple of {Q8_0BlockSize} values per row; got {values.Length}.", nameof(values));
        var blocks = values.Length / Q8_0BlockSize;
        var bytes = new byte[blocks * Q8_0BlockBytes];
        for (var b = 0; b < blocks; b++)
        {
            var x = values.Slice(b * Q8_0BlockSize, Q8_0BlockSize);
            var amax = 0f;
            foreach (var v in x) amax = MathF.Max(amax, MathF.Abs(v));
            var d = amax / 127f;
            var id = d != 0f ? 1f / d : 0f;
            var block = bytes.AsSpan(b * Q8_0BlockBytes, Q8_0BlockBytes);
            BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
            for (var j = 0; j < Q8_0BlockSize; j++)
                block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }

        return bytes;
    }

    private static void DecodeQ8_0(ReadOnlySpan<byte> bytes, Span<float> result)
    {
        for (var b = 0; b < result.Length / Q8_0BlockSize; b++)
        {
            var block = bytes.Slice(b * Q8_0BlockBytes, Q8_0BlockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            for (var j = 0; j < Q8_0BlockSize; j++) result[b * Q8_0BlockSize + j] = (sbyte)block[2 + j] * d;
        }
    }
}
