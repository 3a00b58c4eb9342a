using System.Buffers.Binary;
using System.Text.Json;
using Probing.Runs;

namespace Probing.ToyModels.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to its dtype, shape and byte range, then the raw data. Files written by
/// Python's <c>safetensors</c> load here and ours load there.
/// </summary>
public static class SafeTensorsFile
{
    // Python's safetensors refuses headers above 100 MB; so do we, which also stops a damaged
    // length field from making us allocate gigabytes.
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Bytes per element of each dtype the format defines.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => throw new InvalidDataException($"unknown safetensors dtype '{dtype}'; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL"),
    };

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is damaged; the message says how.</exception>
    public static SafeTensorsDocument Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: safetensors file not found; check the path or re-create the checkpoint.", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses safetensors bytes; <paramref name="source"/> names them in error messages.</summary>
    public static SafeTensorsDocument Parse(byte[] bytes, string source = "safetensors data")
    {
        string Damaged(string what) => $"{source}: damaged safetensors file ({what}); re-create it or restore it from a backup.";
        if (bytes.Length < 8) throw new InvalidDataException(Damaged($"only {bytes.Length} bytes, too short for the 8-byte header length"));
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
            throw new InvalidDataException(Damaged($"header length {headerLength} does not fit the file size {bytes.Length}"));
        var dataStart = 8 + (int)headerLength;
        var dataLength = bytes.Length - dataStart;

        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(Damaged($"header is not valid JSON: {ex.Message}"));
        }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException(Damaged("header is not a JSON object"));
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var spans = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
            foreach (var property in header.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException(Damaged("__metadata__ is not an object"));
                    foreach (var item in property.Value.EnumerateObject())
                    {
                        if (item.Value.ValueKind != JsonValueKind.String) throw new InvalidDataException(Damaged($"metadata value '{item.Name}' is not a string"));
                        metadata[item.Name] = item.Value.GetString()!;
                    }

                    continue;
                }

                spans.Add(ParseEntry(property, Damaged));
            }

            // The format requires the byte ranges to tile the data buffer exactly: no gaps, no overlap.
            long expected = 0;
            foreach (var span in spans.OrderBy(s => s.Begin).ThenBy(s => s.End))
            {
                if (span.Begin != expected) throw new InvalidDataException(Damaged($"tensor '{span.Name}' starts at byte {span.Begin}, expected {expected}"));
                expected = span.End;
            }

            if (expected != dataLength) throw new InvalidDataException(Damaged($"tensors cover {expected} data bytes but the file holds {dataLength}"));

            var tensors = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
            foreach (var span in spans)
            {
                var data = bytes.AsSpan(dataStart + (int)span.Begin, (int)(span.End - span.Begin)).ToArray();
                tensors[span.Name] = new SafeTensorEntry(span.DType, span.Shape, data);
            }

            return new SafeTensorsDocument(tensors, metadata);
        }
    }

    private static (string Name, string DType, long[] Shape, long Begin, long End) ParseEntry(JsonProperty property, Func<string, string> damaged)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException(damaged($"entry '{name}' is not an object"));
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException(damaged($"tensor '{name}' has no dtype"));
        var dtype = dtypeElement.GetString()!;
        int elementSize;
        try
        {
            elementSize = ElementSize(dtype);
        }
        catch (InvalidDataException)
        {
            throw new InvalidDataException(damaged($"tensor '{name}' has unknown dtype '{dtype}'"));
        }

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException(damaged($"tensor '{name}' has no shape"));
        var shape = new long[shapeElement.GetArrayLength()];
        var count = 1L;
        var i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d) || d < 0)
                throw new InvalidDataException(damaged($"tensor '{name}' has a bad shape dimension"));
            shape[i++] = d;
            count = checked(count * d);
        }

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw new InvalidDataException(damaged($"tensor '{name}' has bad data_offsets"));
        if (end - begin != count * elementSize)
            throw new InvalidDataException(damaged($"tensor '{name}' spans {end - begin} bytes but its shape [{string.Join(", ", shape)}] of {dtype} needs {count * elementSize}"));
        return (name, dtype, shape, begin, end);
    }

    /// <summary>Serializes a document to safetensors bytes (header padded with spaces to 8 bytes, as Python does).</summary>
    public static byte[] ToBytes(SafeTensorsDocument document)
    {
        var headerJson = HeaderJson(document);
        var padding = (8 - headerJson.Length % 8) % 8;
        var headerLength = headerJson.Length + padding;
        var dataLength = document.Tensors.Values.Sum(t => (long)t.Data.Length);
        var result = new byte[checked(8 + headerLength + dataLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)headerLength);
        headerJson.CopyTo(result, 8);
        result.AsSpan(8 + headerJson.Length, padding).Fill((byte)' ');
        var offset = 8 + headerLength;
        foreach (var tensor in document.Tensors.Values)
        {
            tensor.Data.CopyTo(result, offset);
            offset += tensor.Data.Length;
        }

        return result;
    }

    /// <summary>Writes a document to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, SafeTensorsDocument document)
    {
        var bytes = ToBytes(document);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    private static byte[] HeaderJson(SafeTensorsDocument document)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (document.Metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in document.Metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, tensor) in document.Tensors)
            {
                if (tensor.Data.Length != tensor.ElementCount * ElementSize(tensor.DType))
                    throw new ArgumentException($"Tensor '{name}' holds {tensor.Data.Length} bytes but its shape and dtype need {tensor.ElementCount * ElementSize(tensor.DType)}.", nameof(document));
                json.WriteStartObject(name);
                json.WriteString("dtype", tensor.DType);
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.Data.Length;
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

}
