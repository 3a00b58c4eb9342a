using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.Runs;

namespace Probing.ToyModels.Sweep;

/// <summary>
/// An architecture grid over d_model × n_layers × n_heads, read from JSON:
/// <c>{"d_model": [16, 32, 64], "n_layers": [1, 2], "n_heads": [1, 2, 4], "preset": "small", "steps": 2000, "config": {…}}</c>.
/// <c>preset</c>, <c>steps</c> and <c>config</c> (a run-config overlay: model/task/training) are optional. Points are
/// enumerated in a fixed order (d_model outermost, n_heads innermost); combinations where n_heads does not divide
/// d_model are skipped. Shard i of N takes the points whose index k has k mod N = i, so every point lies in exactly one shard.
/// </summary>
/// <param name="DModels">Values of d_model.</param>
/// <param name="NLayers">Values of n_layers.</param>
/// <param name="NHeads">Values of n_heads.</param>
/// <param name="Preset">The task preset every point starts from (null: the task's default).</param>
/// <param name="Steps">Training steps per point (null: the preset's).</param>
/// <param name="Config">A run-config overlay applied before the architecture (null: none).</param>
public sealed record SweepGrid(IReadOnlyList<int> DModels, IReadOnlyList<int> NLayers, IReadOnlyList<int> NHeads, string? Preset, int? Steps, JsonObject? Config)
{
    /// <summary>Every point of the grid in enumeration order.</summary>
    public IReadOnlyList<SweepPoint> Points()
    {
        var points = new List<SweepPoint>();
        foreach (var d in DModels)
            foreach (var l in NLayers)
                foreach (var h in NHeads)
                    if (d % h == 0) points.Add(new SweepPoint(points.Count, d, l, h));
        return points;
    }

    /// <summary>The points of shard <paramref name="shard"/> of <paramref name="shards"/> (round robin, so shards are balanced).</summary>
    public IReadOnlyList<SweepPoint> Shard(int shard, int shards)
    {
        if (shards < 1 || shard < 0 || shard >= shards)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"shard/shards {shard}/{shards} is not valid; use i/N with 0 ≤ i < N, e.g. shard/shards 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT).")).Naming("shard/shards");
        return [.. Points().Where(p => p.Index % shards == shard)];
    }

    /// <summary>The grid as JSON in the form <see cref="Parse"/> reads, with every field in a fixed order (what shards compare).</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["d_model"] = new JsonArray([.. DModels.Select(v => (JsonNode)v)]),
            ["n_layers"] = new JsonArray([.. NLayers.Select(v => (JsonNode)v)]),
            ["n_heads"] = new JsonArray([.. NHeads.Select(v => (JsonNode)v)]),
        };
        if (Preset is not null) root["preset"] = Preset;
        if (Steps is { } steps) root["steps"] = steps;
        if (Config is not null) root["config"] = Config.DeepClone();
        return root.ToJsonString();
    }

    /// <summary>Reads a grid file; throws <see cref="FormatException"/> with one line on bad content.</summary>
    public static SweepGrid Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"grid file '{path}' does not exist; write one such as {{\"d_model\": [16, 32], \"n_layers\": [1, 2], \"n_heads\": [1, 2]}}.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses grid JSON (see the type's summary).</summary>
    public static SweepGrid Parse(string json, string source = "grid")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException($"{source}: a grid must be a JSON object with d_model, n_layers and n_heads lists.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not valid JSON ({ex.Message.Split('\n')[0]}).");
        }

        foreach (var (key, _) in root)
            if (key is not ("d_model" or "n_layers" or "n_heads" or "preset" or "steps" or "config"))
                throw new FormatException($"{source}: unknown field '{key}'; a grid has d_model, n_layers, n_heads, and optionally preset, steps, config.");
        int? steps = null;
        if (root["steps"] is JsonNode s)
        {
            if (s.GetValueKind() != JsonValueKind.Number || !s.AsValue().TryGetValue<int>(out var value) || value < 1)
                throw new FormatException($"{source}: steps must be a positive integer; got {s.ToJsonString()}.");
            steps = value;
        }

        var config = root["config"] switch
        {
            null => null,
            JsonObject o => (JsonObject)o.DeepClone(),
            var other => throw new FormatException($"{source}: config must be a run-config object ({{\"training\": {{…}}}}); got {other.ToJsonString()}."),
        };
        var preset = root["preset"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            var other => throw new FormatException($"{source}: preset must be a string; got {other.ToJsonString()}."),
        };
        var grid = new SweepGrid(List(root, "d_model", source), List(root, "n_layers", source), List(root, "n_heads", source), preset, steps, config);
        if (grid.Points().Count == 0) throw new FormatException($"{source}: no point of the grid has n_heads dividing d_model.");
        return grid;
    }

    private static int[] List(JsonObject root, string name, string source)
    {
        if (root[name] is not JsonArray array || array.Count == 0)
            throw new FormatException($"{source}: {name} must be a non-empty list of positive integers, e.g. \"{name}\": [1, 2].");
        var values = new int[array.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (array[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out values[i]) || values[i] < 1)
                throw new FormatException($"{source}: {name} must hold positive integers; got {array[i]?.ToJsonString() ?? "null"}.");
        }

        if (values.Distinct().Count() != values.Length) throw new FormatException($"{source}: {name} lists a value twice.");
        return values;
    }
}
