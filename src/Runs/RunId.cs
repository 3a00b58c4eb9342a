using System.Globalization;
using System.Security.Cryptography;

namespace Probing.Runs;

/// <summary>
/// Default run folder names: <c>yyyyMMdd-HHmmss[-LABEL]-XXXXXX</c> (UTC), the time a person can read and a
/// random suffix so that runs started in the same second never get the same name.
/// </summary>
public static class RunId
{
    /// <summary>A new run id for a run started at <paramref name="startedUtc"/>, with an optional label (e.g. <c>seed7</c>).</summary>
    public static string Create(DateTimeOffset startedUtc, string? label = null)
    {
        var stamp = startedUtc.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        return string.IsNullOrEmpty(label) ? $"{stamp}-{suffix}" : $"{stamp}-{label}-{suffix}";
    }
}
