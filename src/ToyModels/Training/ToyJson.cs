using System.Text.Json;
using System.Text.Json.Serialization;

namespace Probing.ToyModels.Training;

/// <summary>JSON settings shared by the trainer's files: snake_case names, unknown fields rejected.</summary>
internal static class ToyJson
{
    /// <summary>Indented, snake_case, enums as snake_case strings; a typo in a config is an error, not a silent default.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>Single-line variant for JSONL.</summary>
    public static readonly JsonSerializerOptions Line = new(Options) { WriteIndented = false };
}
