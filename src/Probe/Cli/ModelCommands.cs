using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Probing.Gguf;

namespace Probing.Cli;

/// <summary><c>probe model …</c>: inspect GGUF models.</summary>
public static class ModelCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Builds the <c>model</c> command group.</summary>
    public static Command Create(CliContext context)
    {
        var model = new Command("model", "Inspect GGUF models: architecture, sizes, tokenizer, tensor types.");
        model.Add(CreateInfo(context));
        model.Add(ModelTokenizeCommand.Create(context));
        return model;
    }

    private static Command CreateInfo(CliContext context)
    {
        var modelOption = new Option<string>("--model", "-m")
        {
            Description = "The GGUF model file.",
            Required = true,
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var info = new Command("info", "Architecture, layers, d_model, heads, vocabulary and tokenizer, context length, tensor types, parameters, size and sha256 of a GGUF model.");
        info.Add(modelOption);
        info.Add(jsonOption);
        info.SetAction(parsed =>
        {
            var path = parsed.GetValue(modelOption)!;
            GgufModelSummary summary;
            // The reader validates the whole file before anything else looks at it.
            using (var file = GgufReader.Open(path))
                summary = GgufModelSummary.From(file, Probing.Runs.Sha256File.Of(path));
            if (parsed.GetValue(jsonOption)) context.Out.WriteLine(JsonSerializer.Serialize(summary, Json));
            else PrintTable(context.Out, summary);
            return ExitCodes.Ok;
        });
        return info;
    }

    private static void PrintTable(TextWriter output, GgufModelSummary s)
    {
        string N(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";
        var rows = new List<(string, string)>
        {
            ("model", s.Path),
            ("architecture", s.Architecture),
            ("name", s.Name ?? "-"),
            ("layers", N(s.NLayers)),
            ("d_model", N(s.DModel)),
            ("heads", s.NHeadsKv is { } kv && kv != s.NHeads ? $"{N(s.NHeads)} (kv {N(kv)})" : N(s.NHeads)),
            ("context", N(s.NCtx)),
            ("vocabulary", $"{N(s.DVocab)} ({s.Tokenizer ?? "no"} tokenizer)"),
            ("pretokenizer", s.PreTokenizer ?? "-"),
            ("add_bos", (s.AddBos, s.AddsBos) switch
            {
                ({ } set, _) => set ? "true" : "false",
                (null, { } byDefault) => $"{(byDefault ? "true" : "false")} (not set in the file: llama.cpp's default for this tokenizer)",
                _ => "not set in the file, and llama.cpp knows no such tokenizer",
            }),
            ("tensors", s.TensorTypes.Count == 0
                ? "0 (vocabulary only: a tokenizer without weights; 'probe model tokenize' reads it)"
                : $"{s.TensorTypes.Values.Sum()}: " + string.Join(", ", s.TensorTypes.Select(t => $"{t.Key} x {t.Value}"))),
            ("quantization", s.DominantType),
            ("parameters", N(s.NParams)),
            ("file size", $"{N(s.FileSize)} bytes"),
            ("gguf", $"v{s.GgufVersion}"),
            ("sha256", s.Sha256),
        };
        foreach (var (label, value) in rows) output.WriteLine($"{label,-13}{GgufText.OneLine(value)}"); // strings from the file: no newline, escape or bidi override
    }
}
