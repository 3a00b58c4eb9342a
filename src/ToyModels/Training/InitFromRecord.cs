using System.Security.Cryptography;

namespace Probing.ToyModels.Training;

/// <summary>The <c>init_from</c> section of run.json: the weights file a fine-tuning run started from, and its sha256.</summary>
/// <param name="Weights">Full path of the model.safetensors that was loaded.</param>
/// <param name="ModelSha256">Lower-case hex sha256 of that file.</param>
public sealed record InitFromRecord(string Weights, string ModelSha256)
{
    /// <summary>Describes the weights file at <paramref name="path"/>.</summary>
    public static InitFromRecord Of(string path) =>
        new(Path.GetFullPath(path), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
}
