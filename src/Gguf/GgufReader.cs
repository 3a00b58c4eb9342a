namespace Probing.Gguf;

/// <summary>
/// Opens GGUF files (v2 and v3) through a read-only memory map and validates the whole layout:
/// magic, version, counts against the file size, strings, value types, tensor types, shapes,
/// offsets, alignment and data sizes. Damage raises <see cref="InvalidDataException"/>,
/// valid-but-unsupported content <see cref="NotSupportedException"/>, each with a one-line message.
/// </summary>
public static class GgufReader
{
    /// <summary>Memory-maps and validates <paramref name="path"/>. Dispose the result to unmap it.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not GGUF or is damaged.</exception>
    /// <exception cref="NotSupportedException">The file is valid GGUF this tool does not read (version, tensor type).</exception>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
            throw new FileNotFoundException($"model path '{path}' is a folder; pass the .gguf file inside it.", path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"model file not found: '{path}'. Check the path and the current folder.", path);

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length < 4)
        {
            var length = stream.Length;
            stream.Dispose();
            // Checked here because an empty file cannot be memory-mapped.
            throw new InvalidDataException($"{path}: not a GGUF file: it is only {length} bytes long. Pass a .gguf model file.");
        }

        GgufDataSource source;
        try
        {
            source = new MappedGgufSource(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return ParseOwned(source, path);
    }

    /// <summary>Parses and validates GGUF bytes already in memory (they are copied).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="label">A name for messages, such as the file the bytes came from.</param>
    public static GgufFile Parse(ReadOnlySpan<byte> bytes, string label = "<memory>") =>
        ParseOwned(new NativeGgufSource(bytes), label);

    private static GgufFile ParseOwned(GgufDataSource source, string label)
    {
        try
        {
            return GgufParser.Parse(source, label);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }
}
