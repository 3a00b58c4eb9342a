namespace Probing.Gguf;

/// <summary>The type tag of a GGUF metadata value, with the numeric ids of <c>gguf.h</c>.</summary>
public enum GgufType
{
    /// <summary>Unsigned 8-bit integer (<see cref="byte"/>).</summary>
    UInt8 = 0,
    /// <summary>Signed 8-bit integer (<see cref="sbyte"/>).</summary>
    Int8 = 1,
    /// <summary>Unsigned 16-bit integer (<see cref="ushort"/>).</summary>
    UInt16 = 2,
    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16 = 3,
    /// <summary>Unsigned 32-bit integer (<see cref="uint"/>).</summary>
    UInt32 = 4,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32 = 5,
    /// <summary>IEEE 754 single (<see cref="float"/>).</summary>
    Float32 = 6,
    /// <summary>One byte, 0 is false and anything else true (<see cref="bool"/>).</summary>
    Bool = 7,
    /// <summary>UTF-8 string with a uint64 byte-length prefix (<see cref="string"/>).</summary>
    String = 8,
    /// <summary>Array: element type, uint64 count, then the elements (never an array of arrays here).</summary>
    Array = 9,
    /// <summary>Unsigned 64-bit integer (<see cref="ulong"/>).</summary>
    UInt64 = 10,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64 = 11,
    /// <summary>IEEE 754 double (<see cref="double"/>).</summary>
    Float64 = 12,
}
