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
        new($"{fileName}: {OneLine(problem)}. The file is damaged or not a GGUF model; write or download it again.");

    /// <summary>
    /// <paramref name="text"/> fit for a one-line message: control characters (a key or name read from a damaged file
    /// can hold newlines) escaped as \uXXXX.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.Any(IsBreaking)) return text;
        var escaped = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
            if (IsBreaking(c)) escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else escaped.Append(c);
        return escaped.ToString();
    }

    /// <summary>A key or name read from the file as a message shows it: at most 80 characters, then an ellipsis.</summary>
    public static string Shown(string text) =>
        text.Length <= 80 ? text : string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[79]) ? 79 : 80), "…"); // never half a pair

    private static bool IsBreaking(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
