using Probing.Gguf;

namespace Probing.IclHarness.Llama.Preflight;

/// <summary>
/// Checks, before llama.cpp sees a file, the metadata that llama.cpp accepts while loading and then guards with
/// GGML_ASSERT (src/llama-model.cpp load_hparams, the per-architecture graphs in src/models/, ggml's CPU ops) or
/// with exceptions thrown through the C API: either aborts the whole process, so a bad value must be turned into
/// a one-line <see cref="InvalidDataException"/> here. The tokenizer is checked by <see cref="VocabularyPreflight"/>.
/// Everything llama.cpp reports by returning NULL is left to it.
/// </summary>
internal static class LlamaPreflight
{
    private const int LlamaMaxLayers = 512;   // LLAMA_MAX_LAYERS in src/llama-hparams.h
    private const int LlamaMaxExperts = 1024; // LLAMA_MAX_EXPERTS

    /// <summary>
    /// Skips every check. Only the semantic fuzzer's baseline mode sets it (through InternalsVisibleTo), to count what
    /// llama.cpp aborts on when nothing stands in front of it.
    /// </summary>
    internal static bool BypassedForBaseline { get; set; }

    public static void Check(GgufFile file)
    {
        if (BypassedForBaseline) return;
        CheckHyperparameters(file);
        HeadPreflight.Check(file);
        VocabularyPreflight.Check(file);
    }

    private static void CheckHyperparameters(GgufFile file)
    {
        var arch = file.Architecture;
        string Key(string name) => $"{arch}.{name}";
        InvalidDataException Bad(string what) => new($"{file.Path}: {what}; the file's hyperparameters are inconsistent, so llama.cpp would abort. Re-convert the model.");

        // Without the key llama.cpp itself refuses cleanly (unknown architecture, or a missing required key).
        if (!file.Contains(Key("block_count"))) return;
        var layers = file.GetInt64(Key("block_count"));
        if (layers is < 1 or > LlamaMaxLayers) throw Bad($"'{Key("block_count")}' is {layers}, outside 1..{LlamaMaxLayers}");
        var nextn = Optional(file, Key("nextn_predict_layers"));
        if (nextn > layers) throw Bad($"'{Key("nextn_predict_layers")}' is {nextn}, more than the {layers} layers");

        var experts = Optional(file, Key("expert_count"));
        var used = file.Find(Key("expert_used_count")) is { } usedValue ? MaxOf(file, usedValue, Key("expert_used_count")) : 0;
        var groups = Optional(file, Key("expert_group_count"));
        var groupsUsed = Optional(file, Key("expert_group_used_count"));
        if (arch is "hunyuan-vl" or "hunyuan-dense" && experts <= 1) { experts = 0; used = 0; }
        if (experts is < 0 or > LlamaMaxExperts) throw Bad($"'{Key("expert_count")}' is {experts}, outside 0..{LlamaMaxExperts}");
        if (used > experts) throw Bad($"'{Key("expert_used_count")}' is {used}, more than the {experts} experts");
        if (experts > 0)
        {
            if (used <= 0) throw Bad($"'{Key("expert_used_count")}' must be positive with {experts} experts");
            if (groups >= experts) throw Bad($"'{Key("expert_group_count")}' is {groups}, not fewer than the {experts} experts");
            if (groups > 1 && (experts % groups != 0 || groupsUsed <= 0 || groupsUsed >= groups))
                throw Bad($"expert groups ({groups} groups, {groupsUsed} used) do not divide {experts} experts");
        }
        else if (used != 0 || groups != 0)
        {
            throw Bad($"expert settings ({used} used, {groups} groups) without '{Key("expert_count")}'");
        }
    }

    private static long Optional(GgufFile file, string key) => file.Contains(key) ? file.GetInt64(key) : 0;

    private static long MaxOf(GgufFile file, GgufValue value, string key)
    {
        if (!value.IsArray) return file.GetInt64(key);
        var max = 0L;
        foreach (var element in (Array)value.Value)
            max = Math.Max(max, element switch
            {
                sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(element, System.Globalization.CultureInfo.InvariantCulture),
                ulong u => u > long.MaxValue ? long.MaxValue : (long)u,
                _ => throw new InvalidDataException($"{file.Path}: '{key}' must hold integers."),
            });
        return max;
    }
}
