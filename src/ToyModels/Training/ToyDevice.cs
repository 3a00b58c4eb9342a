using static TorchSharp.torch;

namespace Probing.ToyModels.Training;

/// <summary>Turns a <c>--device</c> value into a TorchSharp device, with a clear error where CUDA is absent.</summary>
public static class ToyDevice
{
    /// <summary>The device called <paramref name="name"/> (cpu, cuda, cuda:N).</summary>
    /// <exception cref="ArgumentException">Unknown device name.</exception>
    /// <exception cref="NotSupportedException">CUDA was asked for but this TorchSharp build has none.</exception>
    public static Device Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Trim().ToLowerInvariant();
        if (lower == "cpu") return CPU;
        if (lower == "cuda" || lower.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new NotSupportedException("--device cuda: this build's libtorch has no CUDA (or no GPU is visible); use --device cpu, or install a CUDA build of TorchSharp.");
            return new Device(lower);
        }

        throw new ArgumentException($"--device '{name}' is not known; use cpu or cuda.");
    }
}
