using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.ToyModels.Checkpoints;

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
    public const string FileName = "run.json";

    /// <summary>The checkpoint whose weights started the run (<c>--init-from</c>), if any.</summary>
    public InitFromRecord? InitFrom { get; init; }

    /// <summary>Writes run.json (atomically), with the checkpoint section when a model file exists.</summary>
    public void Write(string directory)
    {
        var root = new JsonObject
        {
            ["task"] = Task,
            ["preset"] = Preset,
            ["config_file"] = ConfigFile,
            ["seed"] = Config.Model.Seed,
            ["data_seed"] = Config.Training.Seed,
            ["threads"] = Threads,
            ["device"] = Device,
            ["config"] = Config.ToJsonNode(),
            ["init_from"] = InitFrom is null ? null : new JsonObject { ["weights"] = InitFrom.Weights, ["model_sha256"] = InitFrom.ModelSha256 },
            ["versions"] = new JsonObject
            {
                ["probing"] = typeof(RunInfo).Assembly.GetName().Version?.ToString(),
                ["torchsharp"] = ToyModelsInfo.TorchSharpVersion,
                ["dotnet"] = RuntimeInformation.FrameworkDescription,
                ["os"] = RuntimeInformation.OSDescription,
            },
        };
        var weights = Path.Combine(directory, ToyCheckpoint.ModelFile);
        if (File.Exists(weights))
        {
            var bytes = File.ReadAllBytes(weights);
            var document = SafeTensorsFile.Parse(bytes, weights);
            root["checkpoint"] = new JsonObject
            {
                ["step"] = document.Metadata.TryGetValue("step", out var step) ? long.Parse(step, System.Globalization.CultureInfo.InvariantCulture) : null,
                ["model_sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            };
        }

        AtomicFile.WriteAllText(Path.Combine(directory, FileName), root.ToJsonString(ToyJson.Options) + "\n");
    }

    /// <summary>Reads run.json; <paramref name="defaultsForTask"/> gives the preset that fields missing from its config fall back to.</summary>
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
            var task = root["task"]?.GetValue<string>() ?? throw new InvalidDataException($"{path}: no task name.");
            var config = root["config"] as JsonObject ?? throw new InvalidDataException($"{path}: no config.");
            return new RunInfo(
                task,
                root["preset"]?.GetValue<string>() ?? "",
                root["config_file"]?.GetValue<string>(),
                ToyRunConfig.FromJson(config.ToJsonString(), defaultsForTask(task), path),
                root["threads"]?.GetValue<int>() ?? 1,
                root["device"]?.GetValue<string>() ?? "cpu")
            {
                InitFrom = root["init_from"] is JsonObject init
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
