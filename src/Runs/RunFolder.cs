using System.Diagnostics;
using System.Globalization;

namespace Probing.Runs;

/// <summary>
/// An output folder claimed by one run. The claim is a lock file created exclusively
/// (<see cref="FileMode.CreateNew"/>), so of two runs racing for a folder exactly one gets it; the other
/// gets a one-line <see cref="IOException"/>. The lock names the owning process, and a lock whose process
/// is gone (killed) is taken over. A folder that already holds files is refused unless the caller says
/// they are its own resumable run. Disposing releases the claim; the files stay.
/// </summary>
public sealed class RunFolder : IDisposable
{
    /// <summary>The lock file inside a claimed folder.</summary>
    public const string LockFile = ".probe.lock";

    private readonly string _lock;
    private bool _released;
    private IReadOnlyList<string> _created = [];

    private RunFolder(string path)
    {
        Path = path;
        _lock = System.IO.Path.Combine(path, LockFile);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Whether the folder held files of an earlier run when it was claimed (only possible when they were accepted).</summary>
    public bool HeldFiles { get; private set; }

    /// <summary>
    /// Claims <paramref name="folder"/> (created if missing). <paramref name="acceptExisting"/> decides whether
    /// files already there are this command's own resumable run; without it, any file refuses the claim.
    /// </summary>
    /// <exception cref="IOException">The folder is a file, cannot be written, is claimed by a running process, or holds files that are not accepted.</exception>
    public static RunFolder Claim(string folder, Func<string, bool>? acceptExisting = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var full = System.IO.Path.GetFullPath(folder);
        // A symbolic link whose target is missing: File.Exists sees the link itself, but it is no file to refuse as one.
        if (new FileInfo(full).LinkTarget is { } target && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } final
            && !File.Exists(final.FullName) && !Directory.Exists(final.FullName))
            throw new IOException($"output folder '{folder}' is a symbolic link to '{target}', which does not exist; create '{target}' first, or choose another output folder.");
        if (File.Exists(full)) throw new IOException($"output folder '{folder}' is a file; choose a folder (it is created if missing).");
        // The folders this claim creates, innermost first: released empty (a run refused before writing anything),
        // they are removed again, so a default results/<command>/<task>/ does not linger.
        var created = new List<string>();
        for (var dir = full; dir is not null && !Directory.Exists(dir); dir = System.IO.Path.GetDirectoryName(dir)) created.Add(dir);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(full);
                break;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // Another run removed an empty parent it had created between our creating the parent and the child.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"cannot write results to '{folder}' ({FirstLine(ex)}); choose a writable output folder.");
            }
        }

        var claim = new RunFolder(full) { _created = created };
        claim.Lock(folder);
        try
        {
            var held = Directory.EnumerateFileSystemEntries(full)
                .Select(System.IO.Path.GetFileName)
                .Where(name => name != LockFile && !IsLeftover(name!))
                .ToList();
            if (held.Count > 0)
            {
                if (acceptExisting is null || !acceptExisting(full))
                    throw new IOException($"output folder '{folder}' already holds files ({string.Join(", ", held.Take(3))}{(held.Count > 3 ? ", …" : "")}) " +
                                          "that are not a resumable run of this command; choose a new or empty output folder.");
                claim.HeldFiles = true;
            }

            return claim;
        }
        catch
        {
            claim.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Claims a new folder under <paramref name="parent"/> named by <see cref="RunId.Create"/>; a name that another
    /// run took in the meantime is skipped, so concurrent runs never share a folder.
    /// </summary>
    public static RunFolder ClaimNew(string parent, DateTimeOffset startedUtc, string? label = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var candidate = System.IO.Path.Combine(parent, RunId.Create(startedUtc, label));
            if (Directory.Exists(candidate) && attempt < 8) continue;
            return Claim(candidate);
        }
    }

    /// <summary>
    /// Releases the claim (deletes the lock file); the folder's files stay. A folder the claim created and nothing
    /// filled is removed, with the parents the claim created that are empty in turn.
    /// </summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try
        {
            File.Delete(_lock);
            foreach (var dir in _created)
            {
                if (Directory.EnumerateFileSystemEntries(dir).Any()) break;
                Directory.Delete(dir);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A lock that cannot be removed is stale for the next run, which takes it over; a parent that another run
            // has just filled stays.
        }
    }

    /// <summary>Whether <paramref name="name"/> is a temporary file an interrupted atomic write left behind.</summary>
    public static bool IsLeftover(string name) => name.StartsWith('.') && name.Contains(AtomicFile.TempMarker, StringComparison.Ordinal);

    private void Lock(string shown)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using var stream = new FileStream(_lock, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                var owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n{Environment.MachineName}\n{DateTime.UtcNow:O}\n");
                stream.Write(System.Text.Encoding.UTF8.GetBytes(owner));
                stream.Flush(flushToDisk: true);
                return;
            }
            catch (IOException) when (File.Exists(_lock))
            {
                var (pid, host) = ReadOwner();
                if (pid is not { } owner || host != Environment.MachineName || IsAlive(owner))
                    throw new IOException($"output folder '{shown}' is in use by another run (process {pid?.ToString(CultureInfo.InvariantCulture) ?? "?"}" +
                                          $"{(host is not null && host != Environment.MachineName ? " on " + host : "")}); wait for it to finish or choose another output folder.");
                // The owner was killed: move its lock aside (only one taker wins the rename) and try again.
                var stale = _lock + "." + Guid.NewGuid().ToString("N") + AtomicFile.TempMarker;
                try
                {
                    File.Move(_lock, stale);
                    File.Delete(stale);
                }
                catch (IOException)
                {
                    // Another process took it over first; the next attempt sees its lock.
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"cannot write results to '{shown}' ({FirstLine(ex)}); choose a writable output folder.");
            }
        }

        throw new IOException($"output folder '{shown}' is in use by another run; choose another output folder.");
    }

    private (int? Pid, string? Host) ReadOwner()
    {
        try
        {
            var lines = File.ReadAllLines(_lock);
            int? pid = lines.Length > 0 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
            return (pid, lines.Length > 1 ? lines[1] : null);
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string FirstLine(Exception ex) => ex.Message.Split('\n')[0].TrimEnd('.');
}
