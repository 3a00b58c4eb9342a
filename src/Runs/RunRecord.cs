using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Probing.Runs;

/// <summary>
/// <c>run.json</c>, one schema for every command (<see cref="SchemaName"/>): which tool and version ran, the
/// command line, every parameter, the seed, the model and its sha256 when there is one, the versions of the
/// managed and native dependencies (read from assembly metadata), the host, start and end time, and
/// whether the run was cut short. Commands add their own sections with <see cref="Section"/>.
/// </summary>
public sealed class RunRecord
{
    /// <summary>The file name inside a run folder.</summary>
    public const string FileName = "run.json";

    /// <summary>The schema name and version written as <c>schema</c>.</summary>
    public const string SchemaName = "probing.run/1";

    /// <summary>The keys every run.json has, in the order they are written.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys =
        ["schema", "tool", "version", "command", "command_line", "started_utc", "ended_utc", "partial", "seed", "model", "parameters", "versions", "host"];

    private readonly JsonObject _sections = [];

    /// <summary>Starts the record of a run of <paramref name="command"/> (e.g. <c>icl</c>, <c>toy train</c>).</summary>
    public RunRecord(string command, DateTimeOffset startedUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        Command = command;
        StartedUtc = startedUtc;
        CommandLine = CurrentCommandLine.Value ?? [];
        Versions["probing"] = ToolVersion;
        Versions["dotnet"] = RuntimeInformation.FrameworkDescription;
        Host["os"] = RuntimeInformation.OSDescription;
        Host["architecture"] = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        Host["processors"] = Environment.ProcessorCount;
    }

    /// <summary>The arguments of the command line in force (set once by the program's entry point).</summary>
    public static readonly AsyncLocal<IReadOnlyList<string>?> CurrentCommandLine = new();

    /// <summary>The tool's version: the informational version of this assembly without the source hash.</summary>
    public static string ToolVersion => VersionOf(typeof(RunRecord).Assembly) ?? "0";

    /// <summary>The command, e.g. <c>icl</c> or <c>toy train</c>.</summary>
    public string Command { get; }

    /// <summary>The arguments the program was started with.</summary>
    public IReadOnlyList<string> CommandLine { get; set; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedUtc { get; }

    /// <summary>When it ended; <c>null</c> while it runs.</summary>
    public DateTimeOffset? EndedUtc { get; set; }

    /// <summary>Whether the run stopped before doing all its work (Ctrl-C, divergence).</summary>
    public bool Partial { get; set; }

    /// <summary>The run's seed, when it has one.</summary>
    public long? Seed { get; set; }

    /// <summary>The model (with at least <c>path</c> and <c>sha256</c>), when the run reads one.</summary>
    public JsonObject? Model { get; private set; }

    /// <summary>Every parameter of the run, by the name its command-line flag or config field has.</summary>
    public JsonObject Parameters { get; } = [];

    /// <summary>Versions of the managed and native dependencies; add one line per dependency.</summary>
    public JsonObject Versions { get; } = [];

    /// <summary>Where the run ran: OS, processors, threads, device, backend; add one line per fact.</summary>
    public JsonObject Host { get; } = [];

    /// <summary>Records the model file and its sha256 (computed here); returns the model object for more fields.</summary>
    public JsonObject SetModel(string path, string? sha256 = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Model = new JsonObject { ["path"] = Path.GetFullPath(path), ["sha256"] = sha256 ?? Sha256File.Of(path) };
        return Model;
    }

    /// <summary>Adds the version of <paramref name="assembly"/> under <paramref name="name"/> (default: the assembly's name).</summary>
    public RunRecord AddVersion(Assembly assembly, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Versions[name ?? assembly.GetName().Name ?? "unknown"] = VersionOf(assembly);
        return this;
    }

    /// <summary>A command's own top-level section (e.g. <c>checkpoint</c>, <c>outputs</c>), created on first use.</summary>
    public JsonObject Section(string name)
    {
        if (RequiredKeys.Contains(name)) throw new ArgumentException($"'{name}' is a fixed key of run.json, not a section.", nameof(name));
        if (_sections[name] is JsonObject existing) return existing;
        var section = new JsonObject();
        _sections[name] = section;
        return section;
    }

    /// <summary>Sets a command's own top-level value (e.g. an output list).</summary>
    public void SetExtra(string name, JsonNode? value)
    {
        if (RequiredKeys.Contains(name)) throw new ArgumentException($"'{name}' is a fixed key of run.json.", nameof(name));
        _sections[name] = value;
    }

    /// <summary>The run.json text.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["schema"] = SchemaName,
            ["tool"] = "probe",
            ["version"] = ToolVersion,
            ["command"] = Command,
            ["command_line"] = new JsonArray([.. CommandLine.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["started_utc"] = Timestamp(StartedUtc),
            ["ended_utc"] = EndedUtc is { } ended ? Timestamp(ended) : null,
            ["partial"] = Partial,
            ["seed"] = Seed,
            ["model"] = Model?.DeepClone(),
            ["parameters"] = Parameters.DeepClone(),
            ["versions"] = Versions.DeepClone(),
            ["host"] = Host.DeepClone(),
        };
        foreach (var (key, value) in _sections) root[key] = value?.DeepClone();
        return JsonText.Write(w => root.WriteTo(w));
    }

    /// <summary>Writes run.json into <paramref name="folder"/> atomically.</summary>
    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), ToJson());

    /// <summary>Marks the end (now, unless given) and writes run.json.</summary>
    public void Finish(string folder, bool partial = false, DateTimeOffset? endedUtc = null)
    {
        EndedUtc = endedUtc ?? DateTimeOffset.UtcNow;
        Partial = partial;
        Write(folder);
    }

    /// <summary>A JSON number that is <c>null</c> when not finite (run.json has no NaN).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>The timestamp format of run.json.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The informational version of <paramref name="assembly"/> (without a <c>+hash</c> suffix), else its assembly version.</summary>
    public static string? VersionOf(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational is not null ? informational.Split('+')[0] : assembly.GetName().Version?.ToString();
    }

    /// <summary>Reads a run.json as a JSON object.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object.</exception>
    public static JsonObject Read(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: damaged run description ({ex.Message.Split('\n')[0]}).");
        }
    }

    /// <summary>The problems of <paramref name="run"/> against the schema; empty when it conforms.</summary>
    public static IReadOnlyList<string> Check(JsonObject run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var problems = new List<string>();
        var keys = run.Select(p => p.Key).ToList();
        for (var i = 0; i < RequiredKeys.Count; i++)
        {
            if (i >= keys.Count || keys[i] != RequiredKeys[i]) problems.Add($"key {i} is '{(i < keys.Count ? keys[i] : "(none)")}', expected '{RequiredKeys[i]}'");
        }

        if (problems.Count > 0) return problems;
        void Expect(bool ok, string what)
        {
            if (!ok) problems.Add(what);
        }

        static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;
        static bool IsTime(JsonNode? n) => IsString(n) && DateTimeOffset.TryParseExact(n!.GetValue<string>(), "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);
        Expect(IsString(run["schema"]) && run["schema"]!.GetValue<string>() == SchemaName, $"schema is not '{SchemaName}'");
        Expect(IsString(run["tool"]), "tool is not a string");
        Expect(IsString(run["version"]) && run["version"]!.GetValue<string>().Length > 0, "version is empty");
        Expect(IsString(run["command"]), "command is not a string");
        Expect(run["command_line"] is JsonArray args && args.All(IsString), "command_line is not an array of strings");
        Expect(IsTime(run["started_utc"]), "started_utc is not a UTC timestamp");
        Expect(run["ended_utc"] is null || IsTime(run["ended_utc"]), "ended_utc is neither null nor a UTC timestamp");
        Expect(run["partial"] is JsonValue p && p.GetValueKind() is JsonValueKind.True or JsonValueKind.False, "partial is not a boolean");
        Expect(run["seed"] is null || run["seed"] is JsonValue s && s.GetValueKind() == JsonValueKind.Number, "seed is neither null nor a number");
        if (run["model"] is JsonObject model)
        {
            Expect(IsString(model["path"]), "model.path is not a string");
            Expect(IsString(model["sha256"]) && model["sha256"]!.GetValue<string>().Length == 64 && model["sha256"]!.GetValue<string>().All(char.IsAsciiHexDigitLower),
                "model.sha256 is not 64 lower-case hex digits");
        }
        else Expect(run["model"] is null, "model is neither null nor an object");
        Expect(run["parameters"] is JsonObject, "parameters is not an object");
        Expect(run["versions"] is JsonObject v2 && IsString(v2["probing"]) && IsString(v2["dotnet"]), "versions lacks probing or dotnet");
        Expect(run["host"] is JsonObject, "host is not an object");
        return problems;
    }
}
