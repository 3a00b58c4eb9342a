namespace Probing.Gguf;

/// <summary>
/// Parses and validates a whole GGUF file (header, metadata, tensor directory, data layout) the way
/// ggml's <c>gguf_init_from_file</c> does, but with a precise message for each kind of damage.
/// </summary>
internal static class GgufParser
{
    private const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    private const uint DefaultAlignment = 32;
    private const int MaxNameBytes = 63; // GGML_MAX_NAME - 1 for the terminating zero
    private const int MaxDims = 4; // GGML_MAX_DIMS

    // The smallest tensor directory entry ggml accepts: empty name, n_dims = 0, type, offset.
    private const int MinimumTensorInfoBytes = 8 + 4 + 4 + 8;

    public static GgufFile Parse(GgufDataSource source, string fileName)
    {
        if (!BitConverter.IsLittleEndian)
            throw new NotSupportedException("GGUF reading needs a little-endian machine.");
        var cursor = new GgufCursor(source, fileName);
        if (source.Length < 4)
            throw new InvalidDataException($"{fileName}: not a GGUF file: it is only {source.Length} bytes long. Pass a .gguf model file.");
        var magic = cursor.ReadUInt32("the magic");
        if (magic != Magic)
            throw new InvalidDataException($"{fileName}: not a GGUF file: it starts with {Printable(magic)} instead of 'GGUF'. Pass a .gguf model file (convert other formats with llama.cpp's convert_hf_to_gguf.py).");

        var version = cursor.ReadUInt32("the GGUF version");
        if ((version & 0xFFFF) == 0 && version != 0)
            throw new NotSupportedException($"{fileName}: GGUF version field reads {version}: this looks like a big-endian GGUF file, which this tool does not read. Use a little-endian file.");
        if (version is not (2 or 3))
            throw new NotSupportedException($"{fileName}: unsupported GGUF version {version}; this tool reads v2 and v3. Convert the model again with a current llama.cpp.");

        var tensorCount = cursor.ReadUInt64("the tensor count");
        var pairCount = cursor.ReadUInt64("the metadata count");
        var pairs = GgufMetadataParser.ReadAll(cursor, pairCount);
        var metadata = pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var alignment = ReadAlignment(cursor, metadata);

        var infos = ReadDirectory(cursor, tensorCount);
        var dataOffset = PadTo(cursor.Position, alignment);
        var tensors = Place(cursor, infos, dataOffset, alignment);
        return new GgufFile(source, fileName, version, alignment, dataOffset, pairs, metadata, tensors);
    }

    private static uint ReadAlignment(GgufCursor cursor, Dictionary<string, GgufValue> metadata)
    {
        if (!metadata.TryGetValue(GgufFile.AlignmentKey, out var value)) return DefaultAlignment;
        if (value.Type != GgufType.UInt32)
            throw cursor.Fail($"'{GgufFile.AlignmentKey}' is {value.Describe()}, but GGUF requires a UInt32");
        var alignment = (uint)value.Value;
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            throw cursor.Fail($"'{GgufFile.AlignmentKey}' is {alignment}, which is not a power of two");
        return alignment;
    }

    private static List<(string Name, GgmlType Type, long[] Ne, ulong Offset, long Bytes)> ReadDirectory(GgufCursor cursor, ulong count)
    {
        if (count > (ulong)(cursor.Remaining / MinimumTensorInfoBytes))
            throw cursor.Fail($"header claims {count} tensors but the remaining {cursor.Remaining} bytes hold at most {cursor.Remaining / MinimumTensorInfoBytes} tensor entries");

        if (count > int.MaxValue)
            throw cursor.Fail($"header claims {count} tensors, more than any GGUF reader accepts");

        // The capacity is capped: a damaged count that still fits in a huge file must not allocate up front.
        var infos = new List<(string, GgmlType, long[], ulong, long)>((int)Math.Min(count, 4096));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (int)count; i++)
        {
            var name = cursor.ReadString($"the name of tensor #{i}");
            if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
                throw cursor.Fail($"tensor #{i} name '{GgufText.Shown(name)}' is longer than ggml's {MaxNameBytes} bytes");
            if (!names.Add(name)) throw cursor.Fail($"tensor name '{name}' appears twice");

            var nDims = cursor.ReadUInt32($"the dimension count of tensor '{name}'");
            if (nDims > MaxDims)
                throw cursor.Fail($"tensor '{name}' has {nDims} dimensions; ggml allows at most {MaxDims}");
            var ne = new long[nDims];
            long elements = 1;
            for (var d = 0; d < nDims; d++)
            {
                ne[d] = cursor.ReadInt64($"dimension {d} of tensor '{name}'");
                if (ne[d] <= 0)
                    throw cursor.Fail($"tensor '{name}' has dimension {d} of size {ne[d]}; sizes must be positive");
                if (elements > long.MaxValue / ne[d])
                    throw cursor.Fail($"tensor '{name}' has shape [{string.Join(", ", ne.Take(d + 1))}, …] whose element count overflows 64 bits");
                elements *= ne[d];
            }

            var typeId = cursor.ReadInt32($"the type of tensor '{name}'");
            if (!GgmlTypeInfo.IsKnown(typeId))
                throw new NotSupportedException($"{cursor.FileName}: {GgufText.OneLine($"tensor '{name}'")} has unknown ggml type {typeId}; this tool knows the types of the pinned llama.cpp (0-{GgmlTypeInfo.TypeCount - 1}, without removed ids). Re-quantize the model with a supported type.");
            var type = (GgmlType)typeId;
            var block = GgmlTypeInfo.BlockSize(type);
            var rowLength = ne.Length > 0 ? ne[0] : 1; // n_dims = 0 is a scalar, as in ggml
            if (rowLength % block != 0)
                throw cursor.Fail($"tensor '{name}' of type {GgmlTypeInfo.Name(type)} has rows of {rowLength} elements, not a multiple of its block size {block}");
            var bytes = GgmlTypeInfo.TryByteSize(type, ne)
                ?? throw cursor.Fail($"tensor '{name}' with shape [{string.Join(", ", ne)}] has a byte size that overflows 64 bits");
            var offset = cursor.ReadUInt64($"the data offset of tensor '{name}'");
            infos.Add((name, type, ne, offset, bytes));
        }

        return infos;
    }

    private static List<GgufTensorInfo> Place(
        GgufCursor cursor, List<(string Name, GgmlType Type, long[] Ne, ulong Offset, long Bytes)> infos, long dataOffset, uint alignment)
    {
        var tensors = new List<GgufTensorInfo>(infos.Count);
        long expected = 0; // ggml stores tensors in directory order, each padded to the alignment
        foreach (var (name, type, ne, offset, bytes) in infos)
        {
            if (offset % alignment != 0)
                throw cursor.Fail($"tensor '{name}' has data offset {offset}, not a multiple of the alignment {alignment}");
            if (offset != (ulong)expected)
                throw cursor.Fail($"tensor '{name}' has data offset {offset} where {expected} was expected (ggml requires tensors in directory order, each padded to {alignment} bytes)");
            var end = dataOffset + (decimal)expected + bytes;
            if (end > cursor.Length)
                throw cursor.Fail($"truncated tensor data for {name}: needs {end} bytes, file has {cursor.Length}");
            tensors.Add(new GgufTensorInfo(name, type, ne, expected, bytes, dataOffset + expected));
            expected = PadTo(expected + bytes, alignment);
        }

        return tensors;
    }

    internal static long PadTo(long value, uint alignment) => (value + alignment - 1) / alignment * alignment;

    private static string Printable(uint magic)
    {
        var bytes = BitConverter.GetBytes(magic);
        return "'" + new string(bytes.Select(b => b is >= 0x20 and < 0x7F ? (char)b : '?').ToArray()) + $"' (0x{Convert.ToHexString(bytes)})";
    }
}
