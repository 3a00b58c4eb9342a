using System.Text;
using System.Text.Json;

namespace Probing.IclHarness.Icl;

/// <summary>Small helpers over <see cref="Utf8JsonWriter"/>: indented, deterministic, NaN written as null.</summary>
internal static class Json
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static void Number(this Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    public static void Numbers(this Utf8JsonWriter w, string name, IEnumerable<double>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (double.IsFinite(v)) w.WriteNumberValue(v);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    }
}
