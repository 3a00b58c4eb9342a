using System.Runtime.InteropServices;

namespace Probing.Runs;

/// <summary>
/// Flushes a folder's entries to disk, so that a rename inside it survives a power cut. .NET has no API
/// for this (a folder cannot be opened as a <see cref="FileStream"/>), so it calls libc's open/fsync.
/// </summary>
public static partial class FileSync
{
    private const int ReadOnly = 0;
    private const int DirectoryFlag = 0x10000; // O_DIRECTORY on Linux x86-64 and arm64

    /// <summary>fsyncs <paramref name="folder"/> on Linux; elsewhere (and where the file system refuses) it does nothing.</summary>
    public static void Folder(string folder)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(folder, ReadOnly | DirectoryFlag);
        if (fd < 0) return;
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
