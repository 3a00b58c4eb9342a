using System.Runtime.CompilerServices;
using Probing.Gguf;

[assembly: InternalsVisibleTo("Probing.Fuzz.Gguf")]

namespace Probing.IclHarness.Llama.Preflight;

/// <summary>
/// The fuzzing entry point for the GGUF reader (used by the SharpFuzz target in
/// <c>tests/Fuzz.Gguf</c> and by the property tests). Any input must either parse or raise
/// <see cref="InvalidDataException"/> / <see cref="NotSupportedException"/>; any other exception,
/// or an access violation, is a reader bug.
/// </summary>
public static class GgufFuzz
{
    /// <summary>
    /// Parses <paramref name="input"/>; when it parses, reads every metadata value and the first and
    /// last byte of every tensor. Returns whether the input was accepted.
    /// </summary>
    public static bool Run(ReadOnlySpan<byte> input)
    {
        try
        {
            using var file = GgufReader.Parse(input, "fuzz-input");
            var checksum = 0L;
            foreach (var key in file.MetadataKeys) checksum += file.Metadata[key].Count;
            foreach (var tensor in file.Tensors)
            {
                var bytes = file.GetTensorBytes(tensor);
                if (bytes.Length > 0) checksum += bytes[0] + bytes[^1];
            }

            return checksum >= 0;
        }
        catch (InvalidDataException)
        {
            return false;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The semantic layer: parses <paramref name="input"/> and runs the preflight that stands in front of llama.cpp
    /// (<see cref="LlamaPreflight"/>). Returns null when the file is accepted, or the one-line reason it is
    /// refused; any exception other than <see cref="InvalidDataException"/> / <see cref="NotSupportedException"/>
    /// escapes as a preflight bug.
    /// </summary>
    public static string? Preflight(ReadOnlySpan<byte> input, string label = "fuzz-input")
    {
        try
        {
            using var file = GgufReader.Parse(input, label);
            LlamaPreflight.Check(file);
            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
        catch (NotSupportedException ex)
        {
            return ex.Message;
        }
    }
}
