using Probing.Gguf;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

/// <summary>
/// Turns tensor data of any ggml type into floats with ggml's own <c>ggml_get_type_traits(type)->to_float</c>
/// from libggml-base: every quant format llama.cpp reads is decoded exactly as llama.cpp decodes it, and none
/// is reimplemented here.
/// </summary>
public static unsafe class GgmlDequantizer
{
    /// <summary>Decodes <paramref name="count"/> values of <paramref name="type"/> from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="NotSupportedException">ggml has no float conversion for the type (integer types, removed ids).</exception>
    /// <exception cref="ArgumentException">The byte count does not match the element count, or the destination is too short.</exception>
    public static void ToFloat(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination, long count)
    {
        var id = (int)type;
        LlamaLibrary.EnsureInitialized();
        if (!GgmlTypeInfo.IsKnown(id) || id >= GgmlNative.GGML_TYPE_COUNT)
            throw new NotSupportedException($"ggml type id {id} is unknown to the pinned llama.cpp.");
        var blockSize = GgmlNative.ggml_blck_size(id);
        if (blockSize <= 0 || count % blockSize != 0)
            throw new ArgumentException($"{count} values of {GgmlTypeInfo.Name(type)} do not fill whole blocks of {blockSize}.");
        var bytes = (long)GgmlNative.ggml_row_size(id, count);
        if (source.Length != bytes)
            throw new ArgumentException($"{count} values of {GgmlTypeInfo.Name(type)} take {bytes} bytes, not {source.Length}.");
        if (destination.Length < count) throw new ArgumentException($"the destination holds {destination.Length} floats, {count} are needed.");
        if (type == GgmlType.F32)
        {
            // ggml's F32 traits have no to_float: the bytes already are floats.
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
            return;
        }
        var traits = GgmlNative.ggml_get_type_traits(id);
        if (traits->to_float == null)
            throw new NotSupportedException($"ggml cannot convert {GgmlTypeInfo.Name(type)} to float (it is not a floating or quantized type).");
        fixed (byte* s = source)
        fixed (float* d = destination)
            traits->to_float(s, d, count);
    }

    /// <summary>The whole tensor <paramref name="name"/> of <paramref name="file"/> as floats, in ggml order (ne0 fastest).</summary>
    public static float[] Dequantize(GgufFile file, string name)
    {
        ArgumentNullException.ThrowIfNull(file);
        var tensor = file.GetTensor(name);
        var result = new float[tensor.ElementCount];
        ToFloat(tensor.Type, file.GetTensorBytes(tensor), result, tensor.ElementCount);
        return result;
    }

    /// <summary>
    /// Rows [<paramref name="firstRow"/>, +<paramref name="rowCount"/>) of a 2-D tensor (rows of ne0 values),
    /// decoded into <paramref name="destination"/>.
    /// </summary>
    public static void DequantizeRows(GgufFile file, GgufTensorInfo tensor, long firstRow, int rowCount, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(tensor);
        var width = tensor.Dimensions[0];
        var rowBytes = (long)GgmlNative.ggml_row_size((int)tensor.Type, width);
        var rows = tensor.ElementCount / width;
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > rows)
            throw new ArgumentException($"rows {firstRow}..{firstRow + rowCount} are outside tensor {tensor.Name} of {rows} rows.");
        var bytes = file.GetTensorBytes(tensor).Slice((int)(firstRow * rowBytes), (int)(rowCount * rowBytes));
        ToFloat(tensor.Type, bytes, destination, rowCount * width);
    }
}
