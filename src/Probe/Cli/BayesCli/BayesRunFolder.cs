using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Probing.Cli.BayesCli;

/// <summary>Chooses and creates a run's output folder and writes its <c>run.json</c>.</summary>
internal static class BayesRunFolder
{
    /// <summary>The tool's version, as stamped into every run.json.</summary>
    public static string ToolVersion =>
        typeof(BayesRunFolder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BayesRunFolder).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>
    /// The folder to write into: <paramref name="requested"/>, or results/bayes/&lt;command&gt;/&lt;UTC timestamp&gt; under the
    /// current directory (with a -2, -3 … suffix if that exists already). Created here, after all validation.
    /// </summary>
    public static string Create(string? requested, string command)
    {
        string folder;
        if (!string.IsNullOrWhiteSpace(requested))
        {
            folder = Path.GetFullPath(requested);
            if (File.Exists(folder))
                throw new UsageException($"--out '{requested}' is a file; pass a folder (it is created if missing).");
        }
        else
        {
            var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var root = Path.Combine(Directory.GetCurrentDirectory(), "results", "bayes", command);
            folder = Path.Combine(root, stamp);
            for (var k = 2; Directory.Exists(folder); k++) folder = Path.Combine(root, $"{stamp}-{k}");
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Writes run.json: the command, every parameter, the outputs, the tool version and the time.</summary>
    public static void WriteRunJson(string folder, string command, IReadOnlyDictionary<string, object> parameters, IReadOnlyList<string> outputs)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("tool", "probe");
            json.WriteString("tool_version", ToolVersion);
            json.WriteString("command", command);
            json.WriteString("created_utc", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteStartObject("parameters");
            foreach (var (key, value) in parameters)
            {
                switch (value)
                {
                    case double d: json.WriteNumber(key, d); break;
                    case int i: json.WriteNumber(key, i); break;
                    case bool b: json.WriteBoolean(key, b); break;
                    default: json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }

            json.WriteEndObject();
            json.WriteStartArray("outputs");
            foreach (var output in outputs) json.WriteStringValue(output);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        AtomicFile.WriteAllBytes(Path.Combine(folder, "run.json"), stream.ToArray());
    }
}
