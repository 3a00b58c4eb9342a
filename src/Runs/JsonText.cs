using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Probing.Runs;

/// <summary>
/// JSON as every tool writes it: indented, UTF-8 without escaping of non-ASCII text, a final newline, and
/// non-finite numbers as <c>null</c>; so the same values give the same bytes.
/// </summary>
public static class JsonText
{
    /// <summary>The writer options behind every file.</summary>
    public static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The text <paramref name="body"/> writes, with a final newline.</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
            body(writer);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes a number, or <c>null</c> when it is missing or not finite.</summary>
    public static void Number(this Utf8JsonWriter writer, string name, double? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } v && double.IsFinite(v)) writer.WriteNumber(name, v);
        else writer.WriteNull(name);
    }

    /// <summary>Writes an array of numbers (non-finite ones as <c>null</c>), or <c>null</c> for no array.</summary>
    public static void Numbers(this Utf8JsonWriter writer, string name, IEnumerable<double>? values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (values is null)
        {
            writer.WriteNull(name);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            if (double.IsFinite(v)) writer.WriteNumberValue(v);
            else writer.WriteNullValue();
        }

        writer.WriteEndArray();
    }
}
