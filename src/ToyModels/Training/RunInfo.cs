using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.ToyModels.Checkpoints;
using Probing.Runs;

namespace Probing.ToyModels.Training;

/// <summary>
/// <c>run.json</c>: what a run was (task, preset, the full run config with seeds, threads, device,
/// versions) and, once written, its latest checkpoint (step and the sha256 of <c>model.safetensors</c>).
/// </summary>
/// <param name="Task">The task's name.</param>
/// <param name="Preset">The preset the config started from.</param>
/// <param name="ConfigFile">The <c>--config</c> file that changed the preset, if any.</param>
/// <param name="Config">The complete run config.</param>
/// <param name="Threads">libtorch intra-op threads (results are bit-reproducible for the same count).</param>
/// <param name="Device">cpu or cuda.</param>
public sealed record RunInfo(string Task, string Preset, string? ConfigFile, ToyRunConfig Config, int Threads, string Device)
{
    /// <summary>The file name inside a run directory.</summary>
    public const string FileName = RunRecord.FileName;

    /// <summary>The checkpoint whose weights started the run (<c>--init-from</c>), if any.</summary>
    public InitFromRecord? InitFrom { get; init; }

    /// <summary>When the run (or, after a resume, this session of it) started.</summary>
    public DateTimeOffset StartedUtc { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Writes run.json (atomically) in the shared schema, with the checkpoint section when a model file
    /// exists; <paramref name="endedUtc"/> and <paramref name="partial"/> once training stopped.
    /// </summary>
    public void Write(string directory, DateTimeOffset? endedUtc = null, bool partial = false)
    {
        var record = new RunRecord("toy train", StartedUtc) { Seed = Config.Model.Seed, EndedUtc = endedUtc, Partial = partial };
        ToyModelsInfo.Describe(record);
        var p = record.Parameters;
        p["task"] = Task;
        p["preset"] = Preset;
        p["config_file"] = ConfigFile;
        p["seed"] = Config.Model.Seed;
        p["data_seed"] = Config.Training.Seed;
        p["threads"] = Threads;
        p["device"] = Device;
        p["config"] = Config.ToJsonNode();
        p["init_from"] = InitFrom is null ? null : new JsonObject { ["weights"] = InitFrom.Weights, ["model_sha256"] = InitFrom.ModelSha256 };
        var weights = Path.Combine(directory, ToyCheckpoint.ModelFile);
        if (File.Exists(weights))
        {
            var bytes = File.ReadAllBytes(weights);
            var document = SafeTensorsFile.Parse(bytes, weights);
            var checkpoint = record.Section("checkpoint");
            checkpoint["step"] = document.Metadata.TryGetValue("step", out var step) ? long.Parse(step, System.Globalization.CultureInfo.InvariantCulture) : null;
            checkpoint["model_sha256"] = Sha256File.Of(bytes);
        }

        record.Write(directory);
    }

    /// <summary>Reads run.json (the shared schema, or the older one with the fields at the top); <paramref name="defaultsForTask"/> gives the preset that fields missing from its config fall back to.</summary>
    /// <exception cref="FileNotFoundException">No run.json in the directory.</exception>
    /// <exception cref="InvalidDataException">The file is damaged.</exception>
    public static RunInfo Read(string directory, Func<string, ToyRunConfig> defaultsForTask)
    {
        ArgumentNullException.ThrowIfNull(defaultsForTask);
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{directory}: no {FileName}; it is not a 'probe toy train' run directory.", path);
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
            if (root["command"] is JsonValue command && command.GetValue<string>() != "toy train")
                throw new InvalidDataException($"{path}: a '{command.GetValue<string>()}' run, not a 'toy train' run; pass the folder of a training run.");
            var fields = root["parameters"] as JsonObject ?? root;
            var task = fields["task"]?.GetValue<string>() ?? throw new InvalidDataException($"{path}: no task name.");
            var config = fields["config"] as JsonObject ?? throw new InvalidDataException($"{path}: no config.");
            var started = root["started_utc"]?.GetValue<string>() is { } text
                && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UtcNow;
            return new RunInfo(
                task,
                fields["preset"]?.GetValue<string>() ?? "",
                fields["config_file"]?.GetValue<string>(),
                ToyRunConfig.FromJson(config.ToJsonString(), defaultsForTask(task), path),
                fields["threads"]?.GetValue<int>() ?? 1,
                fields["device"]?.GetValue<string>() ?? "cpu")
            {
                StartedUtc = started,
                InitFrom = fields["init_from"] is JsonObject init
                    ? new InitFromRecord(init["weights"]?.GetValue<string>() ?? "", init["model_sha256"]?.GetValue<string>() ?? "")
                    : null,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: damaged run description ({ex.Message.Split('\n')[0]}); restore it or start a new run.");
        }
    }
}
