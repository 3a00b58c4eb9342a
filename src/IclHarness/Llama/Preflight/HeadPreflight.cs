using Probing.Gguf;

namespace Probing.IclHarness.Llama.Preflight;

/// <summary>
/// The per-architecture hyperparameters (<c>{arch}.attention.*</c>, <c>{arch}.rope.*</c>) that llama.cpp loads
/// without complaint and later asserts on: the RoPE scaling type (load_hparams), the norm epsilons (ggml's
/// rms_norm/norm ops, <c>eps &gt;= 0</c>), and the head widths that each architecture's graph asserts equal
/// (src/models/*.cpp) or that ggml's RoPE op bounds (<c>n_dims &lt;= head width</c>, even). Non-finite RoPE bases and
/// scaling factors and infinite epsilons do not abort but make the output NaN or meaningless, so they are refused too.
/// </summary>
internal static class HeadPreflight
{
    // llama_rope_scaling_type_from_string: anything else is LLAMA_ROPE_SCALING_TYPE_UNSPECIFIED, which asserts.
    private static readonly string[] RopeScalingTypes = ["none", "linear", "yarn", "longrope"];

    // Architectures whose graph asserts n_embd_head_v == n_embd_head_k (key_length == value_length); generated from
    // the GGML_ASSERTs in llama.cpp's src/models/*.cpp.
    private static readonly HashSet<string> AssertsKeyEqualsValue = new(StringComparer.Ordinal)
    {
        "afmoe", "apertus", "arcee", "arctic", "baichuan", "bailingmoe2", "bert", "bitnet", "bloom", "chameleon", "chatglm",
        "codeshell", "cogvlm", "cohere2", "cohere2moe", "command-r", "dbrx", "deci", "deepseek", "deepseek4", "dflash",
        "dots1", "dream", "eagle3", "ernie4_5", "ernie4_5-moe", "eurobert", "exaone", "falcon", "glm4", "glm4moe", "gpt2",
        "gptneox", "granite", "granite_swa", "granitehybrid", "graniteswitch", "grok", "grovemoe", "hunyuan-moe",
        "hunyuan_vl", "hy_v3", "internlm2", "jais", "jais2", "laguna", "llada", "llada-moe", "llama", "llama4", "maincoder",
        "mellum", "minimax-01", "minimax-m2", "minimax-m3", "mistral3", "modern-bert", "mpt", "muse-glimmer", "nanbeige",
        "nemotron", "nemotron_h", "nemotron_h_moe", "neo-bert", "olmo", "olmo2", "olmoe", "openelm", "orion", "paddleocr",
        "pangu-embedded", "phi2", "phi3", "plamo", "pockettts", "qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen35",
        "qwen35moe", "qwen3moe", "qwen3next", "qwen3vl", "qwen3vlmoe", "qwen4exp", "refact", "rnd1", "seed_oss",
        "smallthinker", "smollm3", "spark2_5", "stablelm", "starcoder", "starcoder2", "t5", "xverse",
    };

    // Architectures whose graph also asserts n_embd_head_v == n_rot (rope.dimension_count == value_length); generated
    // the same way.
    private static readonly HashSet<string> AssertsRotEqualsHead = new(StringComparer.Ordinal)
    {
        "apertus", "arcee", "arctic", "baichuan", "chameleon", "codeshell", "cogvlm", "cohere2moe", "dbrx", "deci",
        "deepseek", "dots1", "dream", "ernie4_5", "ernie4_5-moe", "exaone", "exaone-moe", "exaone4", "falcon", "granite",
        "granite_swa", "graniteswitch", "grok", "grovemoe", "hunyuan-moe", "hunyuan_vl", "hy_v3", "internlm2", "jais2",
        "llada", "llada-moe", "llama", "llama4", "maincoder", "mellum", "minimax-01", "minimax-m2", "mistral3", "nemotron",
        "olmo", "olmo2", "olmoe", "orion", "paddleocr", "pangu-embedded", "plamo", "pockettts", "qwen2", "qwen2moe",
        "qwen2vl", "qwen3", "qwen3moe", "qwen3vl", "qwen3vlmoe", "rnd1", "seed_oss", "smallthinker", "smollm3",
        "starcoder2", "talkie", "xverse",
    };

    // Per-layer keys llama.cpp reads with get_key_or_arr / get_arr into integer or float arrays. LLamaSharp 0.30.0's
    // llama.cpp asserts (is_same<T, ...>) when an array's element type does not fit; newer versions throw.
    private static readonly string[] IntegerArrayKeys =
    [
        "feed_forward_length", "attention.head_count", "attention.head_count_kv", "expert_used_count", "expert_feed_forward_length",
        "rope.dimension_sections", "attention.sliding_window_pattern", "attention.recurrent_layers", "attention.rope_pattern",
    ];

    private static readonly string[] FloatArrayKeys = ["swiglu_clamp_exp", "swiglu_clamp_shexp", "xielu_alpha_n", "xielu_alpha_p", "xielu_beta", "xielu_eps"];

    /// <summary>Throws when llama.cpp would load <paramref name="file"/> and then abort on these hyperparameters.</summary>
    public static void Check(GgufFile file)
    {
        var arch = file.Architecture;
        string Key(string name) => $"{arch}.{name}";

        foreach (var name in IntegerArrayKeys)
        {
            if (file.Find(Key(name)) is { IsArray: true, ElementType: not (GgufType.Int32 or GgufType.UInt32 or GgufType.Bool) } value)
                throw new InvalidDataException(
                    $"{file.Path}: '{Key(name)}' is {VocabularyPreflight.Describe(value)}; a per-layer value must be an integer (or an array of Int32/UInt32), and llama.cpp would abort reading it; re-convert the model.");
        }

        foreach (var name in FloatArrayKeys)
        {
            if (file.Find(Key(name)) is { IsArray: true, ElementType: not GgufType.Float32 } value)
                throw new InvalidDataException(
                    $"{file.Path}: '{Key(name)}' is {VocabularyPreflight.Describe(value)}; a per-layer value must be a Float32 or an array of Float32, and llama.cpp would abort reading it; re-convert the model.");
        }

        foreach (var name in new[] { "attention.layer_norm_rms_epsilon", "attention.layer_norm_epsilon", "attention.group_norm_epsilon" })
        {
            if (Number(file, Key(name)) is { } eps && !(double.IsFinite(eps) && eps >= 0))
                throw Bad(file, Key(name), eps, "a norm epsilon must be a finite number >= 0",
                    eps >= 0 ? "every norm would output zeros" : "ggml asserts eps >= 0 and would abort the process", "set it to the model's value, typically 1e-5 or 1e-6");
        }

        if (file.Find(Key("rope.scaling.type")) is { } scaling && !(scaling.Value is string type && RopeScalingTypes.Contains(type)))
            throw new InvalidDataException(
                $"{file.Path}: '{Key("rope.scaling.type")}' is {VocabularyPreflight.Describe(scaling)}; llama.cpp knows {string.Join(", ", RopeScalingTypes)} and would abort on anything else; set one of those or remove the key.");
        if (Number(file, Key("rope.freq_base")) is { } freqBase && !(double.IsFinite(freqBase) && freqBase > 0))
            throw Bad(file, Key("rope.freq_base"), freqBase, "the RoPE base must be a finite positive number", "the rotary angles would be NaN or constant", "set the model's value, such as 10000 or 500000");
        foreach (var name in new[] { "rope.scaling.factor", "rope.scale_linear" })
        {
            if (Number(file, Key(name)) is { } factor && !(double.IsFinite(factor) && factor >= 0))
                throw Bad(file, Key(name), factor, "a RoPE scaling factor must be a finite number >= 0", "positions would be meaningless", "set the model's value, or remove the key for no scaling");
        }

        CheckHeadWidths(file, arch);
    }

    private static void CheckHeadWidths(GgufFile file, string arch)
    {
        string Key(string name) => $"{arch}.{name}";
        var heads = First(file, Key("attention.head_count"));
        if (heads is not > 0 || First(file, Key("embedding_length")) is not { } embd) return;
        var keyWidth = First(file, Key("attention.key_length")) ?? embd / heads.Value;
        var valueWidth = First(file, Key("attention.value_length")) ?? embd / heads.Value;
        var rot = First(file, Key("rope.dimension_count"));
        if (AssertsKeyEqualsValue.Contains(arch) && keyWidth != valueWidth)
            throw new InvalidDataException(
                $"{file.Path}: '{Key("attention.key_length")}' ({keyWidth}) and '{Key("attention.value_length")}' ({valueWidth}) differ, and llama.cpp's {arch} graph asserts they are equal; set both to the head width (embedding_length / head_count = {embd / heads.Value}).");
        if (AssertsRotEqualsHead.Contains(arch) && (rot ?? keyWidth) != valueWidth)
            throw new InvalidDataException(
                $"{file.Path}: '{Key("rope.dimension_count")}' is {rot ?? keyWidth} but the head width is {valueWidth}, and llama.cpp's {arch} graph asserts they are equal; set it to {valueWidth}.");
        if (rot is { } n && (n < 0 || n % 2 != 0 || n > keyWidth))
            throw new InvalidDataException(
                $"{file.Path}: '{Key("rope.dimension_count")}' is {n}; ggml's RoPE needs an even count no larger than the head width {keyWidth}; set it to the model's value (the head width for full rotary embeddings).");
    }

    // A scalar number, or null when the key is missing or not a number (llama.cpp then refuses the file cleanly).
    private static double? Number(GgufFile file, string key) =>
        file.Find(key) is { IsArray: false, Value: not string and not bool } value ? value.AsDouble() : null;

    // An integer key that llama.cpp reads with get_key_or_arr: a scalar or a per-layer array whose first entry counts.
    private static long? First(GgufFile file, string key) => file.Find(key) switch
    {
        null => null,
        { IsArray: true, Value: Array { Length: > 0 } array } => Integer(array.GetValue(0)!),
        { IsArray: false, Value: not string and not bool and not float and not double } value => Integer(value.Value),
        _ => null,
    };

    private static long? Integer(object value) => value switch
    {
        byte or sbyte or short or ushort or int or uint or long => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        _ => null,
    };

    private static InvalidDataException Bad(GgufFile file, string key, double value, string why, string consequence, string fix) =>
        new($"{file.Path}: '{key}' is {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; {why} ({consequence}); {fix}.");
}
