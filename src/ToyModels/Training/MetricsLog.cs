using System.Text;
using System.Text.Json;
using Probing.Runs;

namespace Probing.ToyModels.Training;

/// <summary>
/// <c>metrics.jsonl</c>: one JSON object per evaluation,
/// <c>{"step":100,"lr":0.001,"train_loss":1.23,"elapsed_s":4.5,"eval":{"loss":1.2,…}}</c>.
/// Non-finite numbers are written as <c>null</c>.
/// </summary>
public static class MetricsLog
{
    /// <summary>The file name inside a run directory.</summary>
    public const string FileName = "metrics.jsonl";

    /// <summary>One record as a single JSON line (no newline).</summary>
    public static string ToJsonLine(MetricsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("step", record.Step);
            WriteNumber(json, "lr", record.Lr);
            WriteNumber(json, "train_loss", record.TrainLoss);
            WriteNumber(json, "elapsed_s", Math.Round(record.ElapsedSeconds, 3));
            json.WriteStartObject("eval");
            foreach (var (name, value) in record.Eval) WriteNumber(json, name, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Appends one record to <paramref name="path"/> and flushes it to disk.</summary>
    public static void Append(string path, MetricsRecord record)
    {
        var line = ToJsonLine(record) + "\n";
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(line));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads every record of a metrics file.</summary>
    /// <exception cref="InvalidDataException">A line is not a metrics record; the message names the line.</exception>
    public static IReadOnlyList<MetricsRecord> Read(string path)
    {
        var records = new List<MetricsRecord>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                records.Add(Parse(line));
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a metrics record ({ex.Message}); delete the line or the file.");
            }
        }

        return records;
    }

    /// <summary>
    /// Drops records past <paramref name="lastStep"/> (evaluations that ran after the checkpoint a run
    /// resumes from) and a last line without its newline (an append cut short by a kill), rewriting the
    /// file atomically; the kept lines stay byte for byte.
    /// </summary>
    public static void TruncateAfter(string path, long lastStep)
    {
        if (!File.Exists(path)) return;
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var complete = lines.Take(lines.Length - 1); // the part after the last newline is empty or torn
        var kept = new StringBuilder();
        var lineNumber = 0;
        foreach (var line in complete)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            MetricsRecord record;
            try
            {
                record = Parse(line);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a metrics record ({ex.Message}); delete the line or the file.");
            }

            if (record.Step <= lastStep) kept.Append(line).Append('\n');
        }

        AtomicFile.WriteAllText(path, kept.ToString());
    }

    private static MetricsRecord Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var eval = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in root.GetProperty("eval").EnumerateObject()) eval[item.Name] = ReadNumber(item.Value);
        return new MetricsRecord(
            root.GetProperty("step").GetInt64(),
            ReadNumber(root.GetProperty("lr")),
            ReadNumber(root.GetProperty("train_loss")),
            ReadNumber(root.GetProperty("elapsed_s")),
            eval);
    }

    private static double ReadNumber(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null ? double.NaN : element.GetDouble();

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

}
