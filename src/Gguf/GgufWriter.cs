using System.Buffers.Binary;
using System.Text;

namespace Probing.Gguf;

/// <summary>
/// Builds a GGUF v3 file: typed metadata in insertion order, then tensors (F32, F16 or Q8_0 from
/// floats, or pre-encoded bytes of any ggml type), laid out as ggml expects: each tensor's data
/// padded to <c>general.alignment</c> (default 32). <see cref="Write(string)"/> is atomic.
/// </summary>
public sealed class GgufWriter
{
    private const uint DefaultAlignment = 32;
    private const int MaxNameBytes = 63;

    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly List<(string Name, GgmlType Type, long[] Ne, byte[] Data)> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Data alignment: <c>general.alignment</c> when it was added, else 32.</summary>
    public uint Alignment =>
        _metadata.FirstOrDefault(p => p.Key == GgufFile.AlignmentKey).Value?.Value is uint alignment ? alignment : DefaultAlignment;

    /// <summary>Number of tensors added so far.</summary>
    public int TensorCount => _tensors.Count;

    /// <summary>
    /// Adds or replaces a metadata value. The GGUF type follows the CLR type: string, bool, byte,
    /// sbyte, short, ushort, int, uint, long, ulong, float, double, or a 1-D array of one of those
    /// (so pass <c>2u</c> for a UInt32 and <c>1e-5f</c> for a Float32).
    /// </summary>
    /// <exception cref="ArgumentException">Empty key, unsupported CLR type, or a bad <c>general.alignment</c>.</exception>
    public GgufWriter Add(string key, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var gguf = GgufValue.From(value);
        if (key == GgufFile.AlignmentKey && (gguf.Value is not uint a || a == 0 || (a & (a - 1)) != 0))
            throw new ArgumentException($"'{GgufFile.AlignmentKey}' must be a uint power of two, such as 32u.", nameof(value));
        var index = _metadata.FindIndex(p => p.Key == key);
        if (index >= 0) _metadata[index] = new(key, gguf);
        else _metadata.Add(new(key, gguf));
        return this;
    }

    /// <summary>
    /// Adds a tensor from floats. <paramref name="ne"/> are the sizes in GGUF order (fastest first):
    /// a PyTorch matrix W of shape [out, in] in row-major order is ne = [in, out] with the same data.
    /// </summary>
    /// <exception cref="ArgumentException">Bad name, shape, data length, or a Q8_0 row length not divisible by 32.</exception>
    /// <exception cref="NotSupportedException"><paramref name="type"/> is not F32, F16 or Q8_0.</exception>
    public GgufWriter AddTensor(string name, ReadOnlySpan<float> data, ReadOnlySpan<long> ne, GgmlType type = GgmlType.F32)
    {
        var shape = CheckTensor(name, ne, type);
        var count = shape.Aggregate(1L, (p, d) => p * d);
        if (count != data.Length)
            throw new ArgumentException($"tensor '{name}' has shape [{string.Join(", ", shape)}] ({count} values) but {data.Length} values were given.", nameof(data));
        AddEntry(name, type, shape, GgmlConvert.Encode(type, data));
        return this;
    }

    /// <summary>Adds a tensor whose bytes are already encoded as <paramref name="type"/> (any ggml type).</summary>
    public GgufWriter AddTensorBytes(string name, GgmlType type, ReadOnlySpan<long> ne, ReadOnlySpan<byte> data)
    {
        var shape = CheckTensor(name, ne, type);
        var bytes = GgmlTypeInfo.TryByteSize(type, shape);
        if (bytes != data.Length)
            throw new ArgumentException($"tensor '{name}' of type {GgmlTypeInfo.Name(type)} and shape [{string.Join(", ", shape)}] takes {bytes} bytes but {data.Length} were given.", nameof(data));
        AddEntry(name, type, shape, data.ToArray());
        return this;
    }

    /// <summary>Writes the file atomically: to a temporary file in the same folder, then renamed over <paramref name="path"/>.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new IOException($"cannot write '{path}': it is a folder; name a file inside it, such as '{System.IO.Path.Combine(path, "model.gguf")}'.");
        var folder = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"cannot write '{path}': folder '{folder}' does not exist.");
        var temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The whole file as bytes.</summary>
    public byte[] ToArray()
    {
        using var memory = new MemoryStream();
        WriteTo(memory);
        return memory.ToArray();
    }

    /// <summary>Writes the whole file to <paramref name="stream"/> (from its current position).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var alignment = Alignment;
        using var header = new MemoryStream();
        using (var output = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
        {
            output.Write("GGUF"u8);
            output.Write(3u);
            output.Write((ulong)_tensors.Count);
            output.Write((ulong)_metadata.Count);
            foreach (var (key, value) in _metadata)
            {
                WriteString(output, key);
                WriteValue(output, value);
            }

            long offset = 0;
            foreach (var (name, type, ne, data) in _tensors)
            {
                WriteString(output, name);
                output.Write((uint)ne.Length);
                foreach (var d in ne) output.Write(d);
                output.Write((int)type);
                output.Write((ulong)offset);
                offset = GgufParser.PadTo(offset + data.Length, alignment);
            }
        }

        header.WriteTo(stream);
        WriteZeros(stream, GgufParser.PadTo(header.Length, alignment) - header.Length);
        foreach (var tensor in _tensors)
        {
            stream.Write(tensor.Data);
            WriteZeros(stream, GgufParser.PadTo(tensor.Data.Length, alignment) - tensor.Data.Length);
        }
    }

    private long[] CheckTensor(string name, ReadOnlySpan<long> ne, GgmlType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            throw new ArgumentException($"tensor name '{name}' is longer than ggml's {MaxNameBytes} bytes.", nameof(name));
        if (_names.Contains(name))
            throw new ArgumentException($"tensor '{name}' was already added.", nameof(name));
        if (ne.Length is < 1 or > 4)
            throw new ArgumentException($"tensor '{name}' needs 1 to 4 dimensions; got {ne.Length}.", nameof(ne));
        foreach (var d in ne)
            if (d <= 0) throw new ArgumentException($"tensor '{name}' has a dimension of {d}; sizes must be positive.", nameof(ne));
        if (!GgmlTypeInfo.IsKnown((int)type))
            throw new NotSupportedException($"ggml type {(int)type} is not known to this tool.");
        if (ne[0] % GgmlTypeInfo.BlockSize(type) != 0)
            throw new ArgumentException($"tensor '{name}' of type {GgmlTypeInfo.Name(type)} needs rows (ne[0]) that are a multiple of {GgmlTypeInfo.BlockSize(type)}; got {ne[0]}.", nameof(ne));
        if (GgmlTypeInfo.TryByteSize(type, ne) is not { } bytes || bytes > Array.MaxLength)
            throw new ArgumentException($"tensor '{name}' is too large for the managed writer.", nameof(ne));
        return ne.ToArray();
    }

    private void AddEntry(string name, GgmlType type, long[] shape, byte[] data)
    {
        _names.Add(name);
        _tensors.Add((name, type, shape, data));
    }

    private static void WriteZeros(Stream stream, long count)
    {
        for (var i = 0L; i < count; i++) stream.WriteByte(0);
    }

    private static void WriteString(BinaryWriter output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        output.Write((ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteValue(BinaryWriter output, GgufValue value)
    {
        output.Write((int)value.Type);
        if (!value.IsArray)
        {
            WriteScalar(output, value.Type, value.Value);
            return;
        }

        var array = (Array)value.Value;
        output.Write((int)value.ElementType!.Value);
        output.Write((ulong)array.Length);
        foreach (var element in array) WriteScalar(output, value.ElementType.Value, element!);
    }

    private static void WriteScalar(BinaryWriter output, GgufType type, object value)
    {
        switch (type)
        {
            case GgufType.String: WriteString(output, (string)value); break;
            case GgufType.Bool: output.Write((byte)((bool)value ? 1 : 0)); break;
            case GgufType.UInt8: output.Write((byte)value); break;
            case GgufType.Int8: output.Write((sbyte)value); break;
            case GgufType.UInt16: output.Write((ushort)value); break;
            case GgufType.Int16: output.Write((short)value); break;
            case GgufType.UInt32: output.Write((uint)value); break;
            case GgufType.Int32: output.Write((int)value); break;
            case GgufType.Float32: output.Write((float)value); break;
            case GgufType.UInt64: output.Write((ulong)value); break;
            case GgufType.Int64: output.Write((long)value); break;
            case GgufType.Float64: output.Write((double)value); break;
            default: throw new InvalidOperationException($"unexpected GGUF type {type}");
        }
    }
}
