using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.ToyModels.Model;

namespace Probing.ToyModels.Training;

/// <summary>
/// Everything a training run needs besides the task's name: the model config (TransformerLens field
/// names), the task's options and the training options. As JSON:
/// <c>{"model": {"n_layers": 1, …}, "task": {…}, "training": {"steps": 1000, …}}</c>.
/// </summary>
/// <param name="Model">The model's shape and init seed.</param>
/// <param name="Task">Task-specific options (validated by the task's <c>Bind</c>).</param>
/// <param name="Training">Optimizer, schedule and bookkeeping settings.</param>
public sealed record ToyRunConfig(HookedTransformerConfig Model, JsonObject Task, TrainingOptions Training)
{
    /// <summary>The config as an indented JSON object.</summary>
    public string ToJson() => ToJsonNode().ToJsonString(ToyJson.Options);

    /// <summary>The config as a JSON node (for embedding in run.json).</summary>
    public JsonObject ToJsonNode() => new()
    {
        ["model"] = JsonNode.Parse(Model.ToJson()),
        ["task"] = Task.DeepClone(),
        ["training"] = JsonSerializer.SerializeToNode(Training, ToyJson.Options),
    };

    /// <summary>
    /// Parses a run config. Sections and fields that are missing come from <paramref name="defaults"/>
    /// (usually the task's default preset), so a file may change just <c>d_model</c>; a file
    /// whose top level is a bare TransformerLens config (it has <c>d_model</c> or <c>n_layers</c>) is
    /// taken as the <c>model</c> section. Throws <see cref="FormatException"/> or
    /// <see cref="ArgumentException"/> with one line naming the problem.
    /// </summary>
    public static ToyRunConfig FromJson(string json, ToyRunConfig defaults, string source = "config")
    {
        ArgumentNullException.ThrowIfNull(defaults);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false }) as JsonObject
                ?? throw new FormatException($"{source}: the config must be a JSON object such as {{\"model\": {{…}}, \"training\": {{…}}}}.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not valid JSON ({ex.Message.Split('\n')[0]}).");
        }

        if (root.ContainsKey("d_model") || root.ContainsKey("n_layers"))
            root = new JsonObject { ["model"] = root.DeepClone() };

        foreach (var (key, _) in root)
        {
            if (key is not ("model" or "task" or "training"))
                throw new FormatException($"{source}: unknown section '{key}'; a run config has the sections model, task and training.");
        }

        var model = defaults.Model;
        if (root["model"] is JsonNode modelNode)
        {
            try
            {
                model = HookedTransformerConfig.FromJson(Overlay(JsonNode.Parse(defaults.Model.ToJson())!, modelNode, source, "model").ToJsonString());
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{source}: model section: {ex.Message}");
            }
        }

        var task = defaults.Task;
        if (root["task"] is JsonNode taskNode)
            task = Overlay(defaults.Task, taskNode, source, "task");

        var training = defaults.Training;
        if (root["training"] is JsonNode trainingNode)
        {
            try
            {
                var merged = Overlay(JsonSerializer.SerializeToNode(defaults.Training, ToyJson.Options)!, trainingNode, source, "training");
                training = merged.Deserialize<TrainingOptions>(ToyJson.Options)
                    ?? throw new FormatException($"{source}: the training section must be a JSON object.");
            }
            catch (JsonException ex)
            {
                throw new FormatException($"{source}: training section: {ex.Message.Split('\n')[0]}");
            }
        }

        // Parsing builds the config; it is checked once, where a run uses it: the model section by HookedTransformerConfig.FromJson
        // (and the model's constructor), the training options by the ToyTrainer.
        return new ToyRunConfig(model, (JsonObject)task.DeepClone(), training);
    }

    // The defaults' fields, replaced by those the file gives.
    private static JsonObject Overlay(JsonNode defaults, JsonNode given, string source, string section)
    {
        if (given is not JsonObject givenObject) throw new FormatException($"{source}: the {section} section must be a JSON object.");
        var result = (JsonObject)defaults.DeepClone();
        foreach (var (key, value) in givenObject) result[key] = value?.DeepClone();
        return result;
    }
}
