using System.Runtime.InteropServices;

namespace Probing.Gguf;

/// <summary>Reads the metadata key/value section, refusing counts the file cannot hold before allocating.</summary>
internal static class GgufMetadataParser
{
    // The smallest key/value pair: an empty-ish key (8-byte length + 1 byte), a type tag, a 1-byte value.
    private const int MinimumPairBytes = 8 + 1 + 4 + 1;

    public static List<KeyValuePair<string, GgufValue>> ReadAll(GgufCursor cursor, ulong count)
    {
        if (count > (ulong)(cursor.Remaining / MinimumPairBytes))
            throw cursor.Fail($"header claims {count} metadata entries but the remaining {cursor.Remaining} bytes hold at most {cursor.Remaining / MinimumPairBytes}");

        if (count > int.MaxValue)
            throw cursor.Fail($"header claims {count} metadata entries, more than any GGUF reader accepts");

        // The capacity is capped: a damaged count that still fits in a huge file must not allocate up front.
        var pairs = new List<KeyValuePair<string, GgufValue>>((int)Math.Min(count, 4096));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (int)count; i++)
        {
            var key = cursor.ReadString($"metadata key #{i}");
            if (key.Length == 0) throw cursor.Fail($"metadata key #{i} is empty");
            // Messages show the key shortened: a damaged length can make it thousands of bytes of noise.
            var shown = GgufText.Shown(key);
            if (!seen.Add(key)) throw cursor.Fail($"metadata key '{shown}' appears twice");
            var typeId = cursor.ReadInt32($"the type of metadata '{shown}'");
            pairs.Add(new(key, ReadValue(cursor, shown, typeId)));
        }

        return pairs;
    }

    private static GgufValue ReadValue(GgufCursor cursor, string key, int typeId)
    {
        var type = CheckType(cursor, key, typeId);
        if (type != GgufType.Array) return GgufValue.Scalar(type, ReadScalar(cursor, key, type));

        var elementId = cursor.ReadInt32($"the element type of metadata '{key}'");
        var elementType = CheckType(cursor, key, elementId);
        if (elementType == GgufType.Array)
            throw cursor.Fail($"metadata '{key}' is an array of arrays, which GGUF readers (llama.cpp included) do not accept");
        var count = cursor.ReadUInt64($"the element count of metadata '{key}'");
        var elementBytes = elementType == GgufType.String ? 8 : ScalarSize(elementType);
        if (count > (ulong)(cursor.Remaining / elementBytes))
            throw cursor.Fail($"metadata '{key}' claims {count} array elements (at least {(decimal)count * elementBytes} bytes) but only {cursor.Remaining} bytes remain");
        if (count * (ulong)elementBytes > int.MaxValue)
            throw new NotSupportedException($"{cursor.FileName}: {GgufText.OneLine($"metadata '{key}'")} has {count} elements; arrays over 2 GiB are not supported.");
        return GgufValue.ArrayOf(elementType, ReadArray(cursor, key, elementType, (int)count));
    }

    private static GgufType CheckType(GgufCursor cursor, string key, int typeId)
    {
        if (typeId is < 0 or > (int)GgufType.Float64)
            throw cursor.Fail($"metadata '{key}' has unknown value type {typeId} (GGUF defines 0-12)");
        return (GgufType)typeId;
    }

    private static object ReadScalar(GgufCursor cursor, string key, GgufType type)
    {
        var what = $"the value of metadata '{key}'";
        return type switch
        {
            GgufType.UInt8 => cursor.Take(1, what)[0],
            GgufType.Int8 => (sbyte)cursor.Take(1, what)[0],
            GgufType.UInt16 => MemoryMarshal.Read<ushort>(cursor.Take(2, what)),
            GgufType.Int16 => MemoryMarshal.Read<short>(cursor.Take(2, what)),
            GgufType.UInt32 => cursor.ReadUInt32(what),
            GgufType.Int32 => cursor.ReadInt32(what),
            GgufType.Float32 => MemoryMarshal.Read<float>(cursor.Take(4, what)),
            GgufType.Bool => cursor.Take(1, what)[0] != 0,
            GgufType.String => cursor.ReadString(what),
            GgufType.UInt64 => cursor.ReadUInt64(what),
            GgufType.Int64 => cursor.ReadInt64(what),
            GgufType.Float64 => MemoryMarshal.Read<double>(cursor.Take(8, what)),
            _ => throw cursor.Fail($"metadata '{key}' has unexpected value type {type}"),
        };
    }

    private static Array ReadArray(GgufCursor cursor, string key, GgufType elementType, int count)
    {
        var what = $"the elements of metadata '{key}'";
        switch (elementType)
        {
            case GgufType.String:
                // Grown as read: each string needs at least 8 bytes, but a damaged count in a huge file
                // must still not allocate its whole array before the strings turn out to be missing.
                var strings = new List<string>(Math.Min(count, 1 << 16));
                for (var i = 0; i < count; i++) strings.Add(cursor.ReadString($"element {i} of metadata '{key}'"));
                return strings.ToArray();
            case GgufType.Bool:
                var raw = cursor.Take(count, what);
                var flags = new bool[count];
                for (var i = 0; i < count; i++) flags[i] = raw[i] != 0;
                return flags;
            case GgufType.UInt8: return Copy<byte>(cursor, count, what);
            case GgufType.Int8: return Copy<sbyte>(cursor, count, what);
            case GgufType.UInt16: return Copy<ushort>(cursor, count, what);
            case GgufType.Int16: return Copy<short>(cursor, count, what);
            case GgufType.UInt32: return Copy<uint>(cursor, count, what);
            case GgufType.Int32: return Copy<int>(cursor, count, what);
            case GgufType.Float32: return Copy<float>(cursor, count, what);
            case GgufType.UInt64: return Copy<ulong>(cursor, count, what);
            case GgufType.Int64: return Copy<long>(cursor, count, what);
            case GgufType.Float64: return Copy<double>(cursor, count, what);
            default: throw cursor.Fail($"metadata '{key}' has unexpected element type {elementType}");
        }
    }

    // Little-endian host assumed (checked once in GgufParser): the bytes are the values.
    private static T[] Copy<T>(GgufCursor cursor, int count, string what) where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var bytes = cursor.Take(checked(count * size), what);
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    internal static int ScalarSize(GgufType type) => type switch
    {
        GgufType.UInt8 or GgufType.Int8 or GgufType.Bool => 1,
        GgufType.UInt16 or GgufType.Int16 => 2,
        GgufType.UInt32 or GgufType.Int32 or GgufType.Float32 => 4,
        GgufType.UInt64 or GgufType.Int64 or GgufType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a fixed-size scalar"),
    };
}
