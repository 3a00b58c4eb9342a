namespace Probing.IclHarness.Icl;

/// <summary>
/// Finds the bundled ICL model (<c>models/icl-linear-tiny.gguf</c>, trained by
/// <c>probe toy train --task icl-linear</c>) from wherever the program runs: the current directory or any
/// folder above it, then the program's own folder or any folder above it (a build output lies below the
/// repository root).
/// </summary>
public static class BundledModel
{
    /// <summary>The bundled model's path relative to the repository root.</summary>
    public const string RelativePath = "models/icl-linear-tiny.gguf";

    /// <summary>The model card beside it, relative to the repository root.</summary>
    public const string CardRelativePath = "models/icl-linear-tiny.md";

    /// <summary>
    /// The full path of <paramref name="relativePath"/> under the nearest folder, walking up from
    /// <paramref name="startDirectories"/> in order, that contains it; null when none does.
    /// </summary>
    public static string? Find(string relativePath, params string[] startDirectories)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(startDirectories);
        foreach (var start in startDirectories)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate)) return candidate;
            }
        }

        return null;
    }

    /// <summary>The bundled model found from the current directory, then from the program's folder; null when absent.</summary>
    public static string? Find() => Find(RelativePath, Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
}
