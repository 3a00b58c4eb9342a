using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Probing.ToyModels.Tasks;

/// <summary>Reads typed fields from a task's options object, rejecting unknown fields with one-line errors.</summary>
public sealed class TaskOptions
{
    private readonly string _task;
    private readonly JsonObject _options;

    /// <summary>Checks that <paramref name="options"/> has only the <paramref name="known"/> fields.</summary>
    public TaskOptions(string task, JsonObject options, params string[] known)
    {
        _task = task;
        _options = options ?? new JsonObject();
        foreach (var (key, _) in _options)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
                throw new ArgumentException($"Task '{task}' has no option '{key}'; its options: {(known.Length == 0 ? "none" : string.Join(", ", known))}.");
        }
    }

    /// <summary>The integer option <paramref name="name"/>, or <paramref name="fallback"/>; it must lie in [min, max].</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = fallback;
        if (_options[name] is JsonNode node)
        {
            if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<int>(out value))
                throw new ArgumentException($"Task option {_task}.{name} must be an integer; got {node.ToJsonString()}.");
        }

        if (value < min || value > max)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task option {_task}.{name} = {value} must lie between {min} and {max}."));
        return value;
    }

    /// <summary>The number option <paramref name="name"/>, or <paramref name="fallback"/>; it must lie in [min, max].</summary>
    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var value = fallback;
        if (_options[name] is JsonNode node)
        {
            if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<double>(out value))
                throw new ArgumentException($"Task option {_task}.{name} must be a number; got {node.ToJsonString()}.");
        }

        if (!(value >= min && value <= max))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task option {_task}.{name} = {value} must lie between {min} and {max}."));
        return value;
    }
}
