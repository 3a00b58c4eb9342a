using System.Text;

namespace Probing.IclHarness.Icl;

/// <summary>Writes files through a temporary file in the same folder and a rename, so a reader never sees half a file.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text) =>
        Write(path, temp => File.WriteAllText(temp, text, new UTF8Encoding(false)));

    /// <summary>Calls <paramref name="write"/> with a temporary path (same extension), then renames it onto <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(path)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(path)}");
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Creates <paramref name="folder"/> and checks it can be written; throws a one-line <see cref="IOException"/> otherwise.</summary>
    public static void EnsureWritableFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write results to '{folder}' ({ex.Message.Split('\n')[0].TrimEnd('.')}); pass --out with a writable folder");
        }
    }
}
