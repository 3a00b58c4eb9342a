using System.Text;

namespace Probing.Runs;

/// <summary>
/// Writes files so that a reader sees either the old file or the complete new one, never part of one:
/// the bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed
/// over the target. Temporary files are named <c>.NAME.GUID.tmp</c> (plus the extension) so that
/// <see cref="RemoveLeftovers"/> can find the ones a killed process left behind.
/// </summary>
public static class AtomicFile
{
    /// <summary>The marker in every temporary file name.</summary>
    public const string TempMarker = ".tmp";

    private static readonly UTF8Encoding Utf8NoBom = new(false);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which fills a stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteVia(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
        });
    }

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="save"/>, which writes a file at the temporary
    /// path it is given (same folder, same extension): for libraries that save only to a path (PNG plots).
    /// </summary>
    public static void WriteVia(string path, Action<string> save)
    {
        ArgumentNullException.ThrowIfNull(save);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = TempPath(full);
        try
        {
            save(temp);
            using (var handle = File.OpenHandle(temp, FileMode.Open, FileAccess.ReadWrite))
                RandomAccess.FlushToDisk(handle);
            File.Move(temp, full, overwrite: true);
            FileSync.Folder(folder);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, Utf8NoBom.GetBytes(text));
    }

    /// <summary>Writes PNG <paramref name="bytes"/>; anything that is not a PNG is refused.</summary>
    /// <exception cref="ArgumentException">The bytes do not start with the PNG signature.</exception>
    public static void WritePng(string path, ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!bytes.StartsWith(signature)) throw new ArgumentException($"{path}: the image bytes are not a PNG.", nameof(bytes));
        WriteAllBytes(path, bytes);
    }

    /// <summary>Writes a PNG through <paramref name="save"/>, which saves the image at the temporary path it is given.</summary>
    public static void WritePng(string path, Action<string> save) => WriteVia(path, save);

    /// <summary>Deletes the temporary files that an interrupted write left in <paramref name="folder"/>; returns how many.</summary>
    public static int RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "." + "*" + TempMarker + "*"))
        {
            File.Delete(file);
            removed++;
        }

        return removed;
    }

    /// <summary>The temporary path next to <paramref name="full"/>: hidden, unique, same extension.</summary>
    internal static string TempPath(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempMarker}{Path.GetExtension(full)}");
}
