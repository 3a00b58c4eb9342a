using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Probing.IclHarness.Icl.Sharding;

/// <summary>One context's measurements as a shard keeps them: exactly what the single-machine run accumulates.</summary>
/// <param name="Context">Context number, from 1.</param>
/// <param name="Examples">Its rows of examples.csv.</param>
/// <param name="Lens">Its rows of lens.csv.</param>
/// <param name="IntegerLens">[layer][n]: probability of the integer tokens of n at its last answer (empty without the lens; null when that answer starts with a minus-sign token and the context is left out of lens_integers).</param>
internal sealed record IclShardContext(int Context, IReadOnlyList<ExampleMeasurement> Examples, IReadOnlyList<LensMeasurement> Lens, double[][]? IntegerLens);

/// <summary>One finished batch of a shard (the unit a restarted shard skips).</summary>
/// <param name="Batch">Batch number, from 0.</param>
/// <param name="Contexts">Its contexts, in order.</param>
internal sealed record IclShardBatch(int Batch, IReadOnlyList<IclShardContext> Contexts);

/// <summary>What <c>shard.json</c> says: which shard of which run, on which model.</summary>
/// <param name="Folder">The shard folder.</param>
/// <param name="Shard">Index and count.</param>
/// <param name="Model">The model's identity.</param>
/// <param name="OptionsJson">The options as written (compared byte for byte between shards).</param>
internal sealed record IclShardManifest(string Folder, IclShard Shard, ModelIdentity Model, string OptionsJson)
{
    /// <summary>The run's options, read back from <see cref="OptionsJson"/>.</summary>
    public IclRunOptions Options => IclShardStore.ReadOptions(OptionsJson, Folder);
}

/// <summary>
/// A shard folder: <c>shard.json</c> (shard, model, every option), <c>batches/batch-NNNNN.json</c> (one per finished
/// batch, written atomically as it finishes) and, in shard 0, <c>sweep.json</c>. Numbers are stored as shortest
/// round-trip JSON, so the merge reads back the exact doubles the shard measured.
/// </summary>
internal sealed class IclShardStore(string folder)
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFile = IclShard.ManifestFile;

    private const string Format = "probe-icl-shard/1";

    private static readonly JsonSerializerOptions Serializer = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public string Folder { get; } = folder;

    private string BatchPath(int batch) => Path.Combine(Folder, "batches", string.Create(CultureInfo.InvariantCulture, $"batch-{batch:D5}.json"));

    private string SweepPath => Path.Combine(Folder, "sweep.json");
    private string SweepFailurePath => Path.Combine(Folder, "sweep-failed.txt");

    /// <summary>Writes shard.json, or checks that the one there describes the same shard of the same run (a restart).</summary>
    public void Claim(IclShard shard, IclRunOptions options, ModelIdentity model)
    {
        var optionsJson = Compact(WriteOptions(options));
        var path = Path.Combine(Folder, ManifestFile);
        if (File.Exists(path))
        {
            var existing = ReadManifest(Folder);
            if (existing.Shard != shard || existing.Model.Sha256 != model.Sha256 || existing.OptionsJson != optionsJson)
                throw new IOException($"'{Folder}' holds shard {existing.Shard} of another run (other options, model or shard); choose another output folder, or the same options to resume it");
            return;
        }
        Directory.CreateDirectory(Path.Combine(Folder, "batches"));
        AtomicFile.WriteAllText(path, JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteStartObject("shard");
            w.WriteNumber("index", shard.Index);
            w.WriteNumber("count", shard.Count);
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("path", model.Path);
            w.WriteString("sha256", model.Sha256);
            w.WriteNumber("n_layers", model.Layers);
            w.WriteNumber("d_vocab", model.VocabSize);
            w.WriteNumber("n_ctx", model.ContextLength);
            w.WriteEndObject();
            w.WritePropertyName("options");
            using var doc = JsonDocument.Parse(optionsJson);
            doc.RootElement.WriteTo(w);
            w.WriteEndObject();
        }));
    }

    /// <summary>Reads <c>shard.json</c> of <paramref name="folder"/>; a one-line exception when it is missing or not one.</summary>
    public static IclShardManifest ReadManifest(string folder)
    {
        var path = Path.Combine(folder, ManifestFile);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"shard folder '{folder}' does not exist; pass the output folders of the run's shards");
        if (!File.Exists(path)) throw new FileNotFoundException($"'{folder}' is not an ICL shard folder (no {ManifestFile}); pass the output folders of the run's shards", path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format)
                throw new InvalidDataException($"{path} is not a {Format} manifest; it was written by another version of probe");
            var shard = root.GetProperty("shard");
            var m = root.GetProperty("model");
            var options = root.GetProperty("options");
            return new IclShardManifest(folder,
                new IclShard(shard.GetProperty("index").GetInt32(), shard.GetProperty("count").GetInt32()),
                new ModelIdentity(m.GetProperty("path").GetString()!, m.GetProperty("sha256").GetString()!, m.GetProperty("n_layers").GetInt32(),
                    m.GetProperty("d_vocab").GetInt32(), m.GetProperty("n_ctx").GetInt32()),
                Compact(options.GetRawText()));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is damaged ({ex.Message.Split('\n')[0]}); rerun that shard into a new folder");
        }
    }

    /// <summary>A finished batch, or null when the shard has not finished it.</summary>
    public IclShardBatch? ReadBatch(int batch, IReadOnlyList<int> contexts)
    {
        var path = BatchPath(batch);
        if (!File.Exists(path)) return null;
        IclShardBatch? saved;
        try
        {
            saved = JsonSerializer.Deserialize<IclShardBatch>(File.ReadAllText(path), Serializer);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is damaged ({ex.Message.Split('\n')[0]}); delete it and rerun the shard, which redoes that batch");
        }
        if (saved is null || saved.Batch != batch || !saved.Contexts.Select(c => c.Context - 1).SequenceEqual(contexts))
            throw new InvalidDataException($"{path} does not hold batch {batch} of this run; delete it and rerun the shard, which redoes that batch");
        return saved;
    }

    /// <summary>Writes a finished batch atomically.</summary>
    public void WriteBatch(IclShardBatch batch)
    {
        Directory.CreateDirectory(Path.Combine(Folder, "batches"));
        AtomicFile.WriteAllText(BatchPath(batch.Batch), JsonSerializer.Serialize(batch, Serializer) + "\n");
    }

    /// <summary>The finished sweep, or null.</summary>
    public IReadOnlyList<SweepPoint>? ReadSweep()
    {
        if (!File.Exists(SweepPath)) return null;
        try
        {
            return JsonSerializer.Deserialize<List<SweepPoint>>(File.ReadAllText(SweepPath), Serializer)
                ?? throw new JsonException("empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{SweepPath} is damaged ({ex.Message.Split('\n')[0]}); delete it and rerun shard 0, which redoes the sweep");
        }
    }

    /// <summary>Why the sweep could not run on this model or task, if it could not (the run kept its batches), or null.</summary>
    public string? ReadSweepFailure() => File.Exists(SweepFailurePath) ? File.ReadAllText(SweepFailurePath).TrimEnd('\n') : null;

    /// <summary>Records atomically that the sweep could not run, and why, so a resumed shard and the merge say so too.</summary>
    public void WriteSweepFailure(string reason) => AtomicFile.WriteAllText(SweepFailurePath, reason + "\n");

    /// <summary>Writes the finished sweep atomically.</summary>
    public void WriteSweep(IReadOnlyList<SweepPoint> sweep) => AtomicFile.WriteAllText(SweepPath, JsonSerializer.Serialize(sweep, Serializer) + "\n");

    /// <summary>The same JSON without whitespace (the form shards compare).</summary>
    private static string Compact(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) doc.RootElement.WriteTo(w);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Every option of the run, in a fixed order (what shards compare, and what the merge reads back).</summary>
    internal static string WriteOptions(IclRunOptions o) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("task", o.Task.Text);
        w.WriteStartObject("template");
        w.WriteString("name", o.Template.Name);
        w.WriteString("description", o.Template.Description);
        w.WriteString("prefix", o.Template.Prefix);
        w.WriteString("open", o.Template.Open);
        w.WriteString("between", o.Template.Between);
        w.WriteString("answer_prefix", o.Template.AnswerPrefix);
        w.WriteString("close", o.Template.Close);
        w.WriteString("separator", o.Template.Separator);
        w.WriteEndObject();
        w.WriteNumber("examples", o.Examples);
        w.WriteNumber("x_min", o.XMin);
        w.WriteNumber("x_max", o.XMax);
        w.WriteNumber("seed", o.Seed);
        w.WriteBoolean("distinct", o.Distinct);
        w.WriteNumber("contexts", o.Contexts);
        if (o.SweepShots is null) w.WriteNull("sweep_shots");
        else
        {
            w.WriteStartArray("sweep_shots");
            foreach (var k in o.SweepShots) w.WriteNumberValue(k);
            w.WriteEndArray();
        }
        if (o.SweepXMin is { } lo) w.WriteNumber("sweep_x_min", lo);
        else w.WriteNull("sweep_x_min");
        if (o.SweepXMax is { } hi) w.WriteNumber("sweep_x_max", hi);
        else w.WriteNull("sweep_x_max");
        if (o.IdealFamily is { } family) w.WriteString("ideal_family", family.Text);
        else w.WriteNull("ideal_family");
        w.WriteNumber("epsilon", o.Epsilon);
        w.WriteNumber("max_integer", o.MaxInteger);
        w.WriteBoolean("lens", o.Lens);
        w.WriteNumber("batch_contexts", o.BatchContexts);
        w.WriteEndObject();
    });

    /// <summary>The options written by <see cref="WriteOptions"/>, parsed back.</summary>
    internal static IclRunOptions ReadOptions(string json, string folder)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            var t = r.GetProperty("template");
            var template = new PromptTemplate(t.GetProperty("name").GetString()!, t.GetProperty("description").GetString()!, t.GetProperty("prefix").GetString()!,
                t.GetProperty("open").GetString()!, t.GetProperty("between").GetString()!, t.GetProperty("answer_prefix").GetString()!,
                t.GetProperty("close").GetString()!, t.GetProperty("separator").GetString()!);
            static long? OptionalLong(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt64();
            var shots = r.GetProperty("sweep_shots");
            var family = r.GetProperty("ideal_family");
            return new IclRunOptions
            {
                Task = TaskParser.Parse(r.GetProperty("task").GetString()!),
                Template = template,
                Examples = r.GetProperty("examples").GetInt32(),
                XMin = r.GetProperty("x_min").GetInt64(),
                XMax = r.GetProperty("x_max").GetInt64(),
                Seed = r.GetProperty("seed").GetInt32(),
                Distinct = r.GetProperty("distinct").GetBoolean(),
                Contexts = r.GetProperty("contexts").GetInt32(),
                SweepShots = shots.ValueKind == JsonValueKind.Null ? null : shots.EnumerateArray().Select(e => e.GetInt32()).ToList(),
                SweepXMin = OptionalLong(r.GetProperty("sweep_x_min")),
                SweepXMax = OptionalLong(r.GetProperty("sweep_x_max")),
                IdealFamily = family.ValueKind == JsonValueKind.Null ? null : TaskParser.Parse(family.GetString()!),
                Epsilon = r.GetProperty("epsilon").GetDouble(),
                MaxInteger = r.GetProperty("max_integer").GetInt32(),
                Lens = r.GetProperty("lens").GetBoolean(),
                BatchContexts = r.GetProperty("batch_contexts").GetInt32(),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{Path.Combine(folder, ManifestFile)}: the options are damaged ({ex.Message.Split('\n')[0]}); rerun that shard into a new folder");
        }
    }
}
