using System.Security.Cryptography;

namespace Probing.Runs;

/// <summary>The SHA-256 of a file, streamed (models are gigabytes), as lower-case hex.</summary>
public static class Sha256File
{
    /// <summary>Hashes the file at <paramref name="path"/>.</summary>
    public static string Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Hashes <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
