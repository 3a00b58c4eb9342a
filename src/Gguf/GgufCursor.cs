using System.Buffers.Binary;
using System.Text;

namespace Probing.Gguf;

/// <summary>
/// A bounds-checked little-endian reader over the mapped bytes. Every read checks the remaining
/// length first, so a damaged file raises <see cref="InvalidDataException"/> and never reads outside
/// the mapping.
/// </summary>
internal sealed unsafe class GgufCursor(GgufDataSource source, string fileName)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public long Position { get; private set; }

    public long Length => source.Length;

    public long Remaining => source.Length - Position;

    public string FileName => fileName;

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    public string ReadString(string what)
    {
        var length = ReadUInt64($"the length of {what}");
        if (length > (ulong)Remaining)
            throw Fail($"{what} claims {length} bytes at byte {Position} but only {Remaining} bytes remain");
        if (length > int.MaxValue)
            throw new NotSupportedException($"{fileName}: {what} is {length} bytes; strings over 2 GiB are not supported.");
        return Utf8.GetString(Take((int)length, what));
    }

    /// <summary>A view of the next <paramref name="count"/> bytes (valid while the source lives).</summary>
    public ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining)
            throw Fail($"file ends inside {what}: needs {count} bytes at byte {Position}, file has {Length}");
        var span = new ReadOnlySpan<byte>(source.Pointer + Position, count);
        Position += count;
        return span;
    }

    public InvalidDataException Fail(string problem) =>
        new($"{fileName}: {GgufText.OneLine(problem)}. The file is damaged or not a GGUF model; write or download it again.");
}
