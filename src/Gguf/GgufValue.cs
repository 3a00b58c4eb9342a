using System.Globalization;

namespace Probing.Gguf;

/// <summary>
/// One typed GGUF metadata value. Scalars hold the matching CLR type (<see cref="uint"/> for
/// <see cref="GgufType.UInt32"/>, <see cref="string"/> for <see cref="GgufType.String"/>, …); arrays
/// hold a CLR array of the element type (<c>string[]</c>, <c>float[]</c>, <c>int[]</c>, <c>bool[]</c>, …).
/// </summary>
public sealed class GgufValue
{
    private GgufValue(GgufType type, GgufType? elementType, object value)
    {
        Type = type;
        ElementType = elementType;
        Value = value;
    }

    /// <summary>The value's type tag; <see cref="GgufType.Array"/> for arrays.</summary>
    public GgufType Type { get; }

    /// <summary>The element type of an array; null for scalars.</summary>
    public GgufType? ElementType { get; }

    /// <summary>The CLR value: a boxed scalar, a string, or a typed array.</summary>
    public object Value { get; }

    /// <summary>Whether this value is an array.</summary>
    public bool IsArray => Type == GgufType.Array;

    /// <summary>Number of elements of an array, 1 for a scalar.</summary>
    public int Count => Value is Array array ? array.Length : 1;

    /// <summary>
    /// Wraps a CLR value: string, bool, byte, sbyte, short, ushort, int, uint, long, ulong, float,
    /// double, or a one-dimensional array of one of those.
    /// </summary>
    /// <exception cref="ArgumentException">The CLR type has no GGUF counterpart.</exception>
    public static GgufValue From(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is GgufValue already) return already;
        if (value is Array array)
        {
            var element = array.GetType().GetElementType()!;
            if (array.Rank != 1 || !TryScalarType(element, out var elementType))
                throw new ArgumentException($"GGUF arrays hold scalars or strings; {array.GetType().Name} is not supported.", nameof(value));
            if (array is string[] strings && Array.IndexOf(strings, null) >= 0)
                throw new ArgumentException("GGUF string arrays cannot contain null.", nameof(value));
            return new GgufValue(GgufType.Array, elementType, array.Clone());
        }

        if (!TryScalarType(value.GetType(), out var type))
            throw new ArgumentException($"GGUF has no value type for {value.GetType().Name}; use string, bool, an integer, float, double or an array of those.", nameof(value));
        return new GgufValue(type, null, value);
    }

    internal static GgufValue Scalar(GgufType type, object value) => new(type, null, value);

    internal static GgufValue ArrayOf(GgufType elementType, Array values) => new(GgufType.Array, elementType, values);

    /// <summary>The value as a string (only for <see cref="GgufType.String"/>).</summary>
    public string AsString() => Value as string ?? throw Mismatch("a string");

    /// <summary>The value as a bool (only for <see cref="GgufType.Bool"/>).</summary>
    public bool AsBool() => Value is bool b ? b : throw Mismatch("a bool");

    /// <summary>
    /// Any scalar integer value as a signed 64-bit integer (a uint64 above <see cref="long.MaxValue"/> is rejected).
    /// </summary>
    public long AsInt64() => Value switch
    {
        byte v => v, sbyte v => v, ushort v => v, short v => v, uint v => v, int v => v, long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => throw Mismatch("an integer"),
    };

    /// <summary>Any scalar number as a double.</summary>
    public double AsDouble() => Value switch
    {
        float f => f, double d => d,
        ulong v => v,
        byte or sbyte or ushort or short or uint or int or long => AsInt64(),
        _ => throw Mismatch("a number"),
    };

    /// <summary>The elements of an array as <typeparamref name="T"/>[] (the exact element CLR type).</summary>
    public T[] AsArray<T>() => Value as T[] ?? throw Mismatch($"an array of {typeof(T).Name}");

    /// <inheritdoc />
    public override string ToString() => Value switch
    {
        string s => s,
        Array a => $"[{a.Length} x {ElementType}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };

    internal static bool TryScalarType(Type clr, out GgufType type)
    {
        type = clr switch
        {
            _ when clr == typeof(byte) => GgufType.UInt8,
            _ when clr == typeof(sbyte) => GgufType.Int8,
            _ when clr == typeof(ushort) => GgufType.UInt16,
            _ when clr == typeof(short) => GgufType.Int16,
            _ when clr == typeof(uint) => GgufType.UInt32,
            _ when clr == typeof(int) => GgufType.Int32,
            _ when clr == typeof(float) => GgufType.Float32,
            _ when clr == typeof(bool) => GgufType.Bool,
            _ when clr == typeof(string) => GgufType.String,
            _ when clr == typeof(ulong) => GgufType.UInt64,
            _ when clr == typeof(long) => GgufType.Int64,
            _ when clr == typeof(double) => GgufType.Float64,
            _ => GgufType.Array, // sentinel: no scalar type
        };
        return type != GgufType.Array;
    }

    private InvalidDataException Mismatch(string wanted) =>
        new($"GGUF value is {Describe()}, not {wanted}.");

    internal string Describe() => IsArray ? $"an array of {ElementType}" : $"a {Type}";
}
