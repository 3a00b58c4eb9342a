using Probing.Gguf;

namespace Probing.Fuzz.Gguf;

/// <summary>
/// Mutates the metadata of a well-formed GGUF model, not its bytes: numbers become NaN, negative, zero or huge;
/// strings become unknown enum values or other known ones; arrays are shortened, emptied, given duplicate elements
/// or another element type; keys are removed or changed to another type; keys llama.cpp reads are added with
/// random values. The result is always a parseable file, so the semantic preflight and llama.cpp see it.
/// </summary>
internal sealed class MetadataMutator(Random random)
{
    private static readonly string[] Words =
    [
        "", "none", "no_vocab", "llama", "gpt2", "bert", "t5", "rwkv", "plamo2", "gemma4", "test", "bogus", "linear", "yarn",
        "longrope", "LINEAR", "gpt-2", "llama-bpe", "llama3", "glm4", "chatglm-bpe", "tekken", "default", "qwen2", "qwen2moe",
        "phi3", "gemma", "gemma2", "mistral3", "xverse", "starcoder2", "falcon", "\u2581", "<0x0A>", "[EMPTY_3]", "a", "##a",
    ];

    // Keys llama.cpp reads for the llama architecture and every tokenizer, with the value types it expects.
    private static readonly string[] Keys =
    [
        "llama.rope.scaling.type", "llama.rope.scaling.factor", "llama.rope.scale_linear", "llama.rope.freq_base",
        "llama.rope.dimension_count", "llama.rope.scaling.original_context_length", "llama.rope.scaling.attn_factor",
        "llama.attention.key_length", "llama.attention.value_length", "llama.attention.layer_norm_epsilon",
        "llama.attention.layer_norm_rms_epsilon", "llama.attention.head_count", "llama.attention.head_count_kv",
        "llama.expert_count", "llama.expert_used_count", "llama.expert_group_count", "llama.expert_group_used_count",
        "llama.nextn_predict_layers", "llama.block_count", "llama.context_length", "llama.embedding_length",
        "llama.feed_forward_length", "llama.vocab_size", "llama.attention.sliding_window", "llama.attention.causal",
        "llama.pooling_type", "llama.rope.scaling.finetuned", "llama.logit_scale", "llama.attn_logit_softcapping",
        "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
        "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
        "tokenizer.ggml.seperator_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.mask_token_id",
        "tokenizer.ggml.eot_token_id", "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token", "tokenizer.ggml.add_sep_token",
        "tokenizer.ggml.add_space_prefix", "tokenizer.ggml.remove_extra_whitespaces", "tokenizer.ggml.precompiled_charsmap",
        "tokenizer.ggml.token_type_count", "tokenizer.ggml.suppress_tokens", "general.architecture",
    ];

    /// <summary>Applies one to three mutations to <paramref name="metadata"/> (edited in place); returns what was done.</summary>
    public string Mutate(List<KeyValuePair<string, GgufValue>> metadata)
    {
        var done = new List<string>();
        for (var n = random.Next(1, 4); n > 0; n--) done.Add(MutateOnce(metadata));
        return string.Join("; ", done);
    }

    private string MutateOnce(List<KeyValuePair<string, GgufValue>> metadata)
    {
        if (metadata.Count == 0 || random.Next(6) == 0)
        {
            // llama.cpp reads each key with one exact type, so a value of that type gets deeper than a random one.
            var key = Keys[random.Next(Keys.Length)];
            var value = random.Next(3) == 0 ? RandomValue() : TypedValue(key);
            Set(metadata, key, value);
            return $"set {key} = {Show(value)}";
        }

        var index = random.Next(metadata.Count);
        var (name, old) = metadata[index];
        if (name == GgufFile.AlignmentKey) return "kept alignment";
        switch (random.Next(8))
        {
            case 0:
                metadata.RemoveAt(index);
                return $"removed {name}";
            case 1:
            {
                var value = RandomValue();
                metadata[index] = new(name, value);
                return $"retyped {name} = {Show(value)}";
            }
            default:
            {
                var value = Edit(old);
                metadata[index] = new(name, value);
                return $"edited {name} = {Show(value)}";
            }
        }
    }

    private GgufValue Edit(GgufValue value) => value.Value switch
    {
        string => GgufValue.From(Words[random.Next(Words.Length)]),
        bool b => GgufValue.From(!b),
        float f => GgufValue.From((float)Number(f)),
        double d => GgufValue.From(Number(d)),
        Array array => EditArray(value, array),
        _ => EditInteger(value),
    };

    private GgufValue EditInteger(GgufValue value)
    {
        var v = value.AsDouble();
        var edited = random.Next(8) switch
        {
            0 => 0, 1 => -1, 2 => v + 1, 3 => v - 1, 4 => v * 2, 5 => random.Next(0, 1200),
            6 => new[] { 255, 256, 511, 512, 513, 1024, 1025, 65535, 100000, 1e9, 4294967295, 1e18 }[random.Next(12)],
            _ => Math.Floor(v / 2),
        };
        return value.Type switch
        {
            GgufType.UInt8 => GgufValue.From((byte)Math.Clamp(edited, 0, 255)),
            GgufType.Int8 => GgufValue.From((sbyte)Math.Clamp(edited, -128, 127)),
            GgufType.UInt16 => GgufValue.From((ushort)Math.Clamp(edited, 0, 65535)),
            GgufType.Int16 => GgufValue.From((short)Math.Clamp(edited, -32768, 32767)),
            GgufType.UInt32 => GgufValue.From((uint)Math.Clamp(edited, 0, uint.MaxValue)),
            GgufType.Int32 => GgufValue.From((int)Math.Clamp(edited, int.MinValue, int.MaxValue)),
            GgufType.UInt64 => GgufValue.From((ulong)Math.Clamp(edited, 0, 1e19)),
            _ => GgufValue.From((long)Math.Clamp(edited, -9e18, 9e18)),
        };
    }

    private double Number(double v) => random.Next(9) switch
    {
        0 => double.NaN, 1 => -v, 2 => 0, 3 => double.PositiveInfinity, 4 => double.NegativeInfinity,
        5 => -1e-5, 6 => 1e30, 7 => v * 10, _ => v / 10,
    };

    private GgufValue EditArray(GgufValue value, Array array)
    {
        var copy = (Array)array.Clone();
        switch (random.Next(6))
        {
            case 0 when copy.Length > 0: // shorten
                return GgufValue.From(Slice(copy, random.Next(copy.Length)));
            case 1 when copy.Length > 1: // duplicate an element over another
                copy.SetValue(copy.GetValue(random.Next(copy.Length)), random.Next(copy.Length));
                return GgufValue.From(copy);
            case 2: // another element type
                return random.Next(3) switch
                {
                    0 => GgufValue.From(Enumerable.Range(0, copy.Length).Select(i => i).ToArray()),
                    1 => GgufValue.From(Enumerable.Range(0, copy.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
                    _ => GgufValue.From(Enumerable.Range(0, copy.Length).Select(i => (float)i).ToArray()),
                };
            case 3 when copy.Length > 0: // edit one element
            {
                var at = random.Next(copy.Length);
                var element = GgufValue.From(copy.GetValue(at)!);
                var edited = Edit(element).Value;
                if (edited.GetType() == copy.GetType().GetElementType()) copy.SetValue(edited, at);
                return GgufValue.From(copy);
            }
            case 4: // empty
                return GgufValue.From(Array.CreateInstance(copy.GetType().GetElementType()!, 0));
            default: // longer: repeat the tail
                var longer = Array.CreateInstance(copy.GetType().GetElementType()!, copy.Length + random.Next(1, 4));
                for (var i = 0; i < longer.Length; i++) longer.SetValue(copy.Length == 0 ? Default(longer) : copy.GetValue(Math.Min(i, copy.Length - 1)), i);
                return GgufValue.From(longer);
        }
    }

    private static object Default(Array array) => array.GetType().GetElementType() == typeof(string) ? "x" : Activator.CreateInstance(array.GetType().GetElementType()!)!;

    private static Array Slice(Array array, int length)
    {
        var slice = Array.CreateInstance(array.GetType().GetElementType()!, length);
        Array.Copy(array, slice, length);
        return slice;
    }

    private GgufValue RandomValue() => random.Next(11) switch
    {
        0 => GgufValue.From(Words[random.Next(Words.Length)]),
        1 => GgufValue.From(new uint[] { 0, 1, 2, 3, 11, 100, 101, 102, 1000, 100000, uint.MaxValue }[random.Next(11)]),
        2 => GgufValue.From(new[] { -1, 0, 1, 2, 5, int.MaxValue, int.MinValue }[random.Next(7)]),
        3 => GgufValue.From((float)Number(1e-5)),
        4 => GgufValue.From(random.Next(2) == 0),
        5 => GgufValue.From((ulong)random.Next(0, 600)),
        6 => GgufValue.From(Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(-2, 600)).ToArray()),
        7 => GgufValue.From(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Words[random.Next(Words.Length)]).ToArray()),
        8 => GgufValue.From(RandomCharsmap()),
        9 => GgufValue.From(Number(1.0)),
        _ => GgufValue.From((uint)random.Next(0, 600)),
    };

    private GgufValue TypedValue(string key) => key switch
    {
        _ when key.EndsWith("epsilon", StringComparison.Ordinal) || key.Contains("rope.scal", StringComparison.Ordinal) && !key.EndsWith("type", StringComparison.Ordinal)
            || key.EndsWith("freq_base", StringComparison.Ordinal) || key.EndsWith("softcapping", StringComparison.Ordinal) || key.EndsWith("logit_scale", StringComparison.Ordinal)
            => key.EndsWith("finetuned", StringComparison.Ordinal) ? GgufValue.From(random.Next(2) == 0) : GgufValue.From((float)Number(1.0)),
        _ when key.EndsWith("type", StringComparison.Ordinal) && !key.EndsWith("token_type", StringComparison.Ordinal) && !key.EndsWith("pooling_type", StringComparison.Ordinal)
            || key.EndsWith(".model", StringComparison.Ordinal) || key.EndsWith(".pre", StringComparison.Ordinal) || key == "general.architecture"
            => GgufValue.From(Words[random.Next(Words.Length)]),
        _ when key.Contains(".add_", StringComparison.Ordinal) || key.EndsWith("causal", StringComparison.Ordinal) || key.EndsWith("whitespaces", StringComparison.Ordinal)
            => GgufValue.From(random.Next(2) == 0),
        "tokenizer.ggml.tokens" or "tokenizer.ggml.merges" => GgufValue.From(Enumerable.Range(0, random.Next(0, 20)).Select(_ => Words[random.Next(Words.Length)]).ToArray()),
        "tokenizer.ggml.scores" => GgufValue.From(Enumerable.Range(0, random.Next(0, 400)).Select(_ => (float)Number(-1)).ToArray()),
        "tokenizer.ggml.token_type" or "tokenizer.ggml.suppress_tokens" => GgufValue.From(Enumerable.Range(0, random.Next(0, 400)).Select(_ => random.Next(-1, 8)).ToArray()),
        "tokenizer.ggml.precompiled_charsmap" => GgufValue.From(RandomCharsmap()),
        _ => GgufValue.From(new uint[] { 0, 1, 2, 3, 8, 11, 15, 16, 32, 64, 100, 101, 102, 512, 513, 1024, 100000, uint.MaxValue }[random.Next(18)]),
    };

    // A normalizer table: the 4-byte length, a few random nodes, then strings (sometimes unterminated).
    private byte[] RandomCharsmap()
    {
        var nodes = random.Next(0, 8);
        var bytes = new byte[4 + 4 * nodes + random.Next(0, 6)];
        BitConverter.TryWriteBytes(bytes, (uint)(4 * nodes));
        random.NextBytes(bytes.AsSpan(4));
        if (random.Next(2) == 0 && bytes.Length > 4 + 4 * nodes) bytes[^1] = 0;
        return bytes;
    }

    private static void Set(List<KeyValuePair<string, GgufValue>> metadata, string key, GgufValue value)
    {
        var index = metadata.FindIndex(p => p.Key == key);
        if (index >= 0) metadata[index] = new(key, value);
        else metadata.Add(new(key, value));
    }

    private static string Show(GgufValue value) => value.Value switch
    {
        string s => $"'{s}'",
        Array a => $"[{a.Length} x {value.ElementType}]{(a.Length is > 0 and <= 4 ? " " + string.Join(",", a.Cast<object>()) : "")}",
        _ => $"{value} ({value.Type})",
    };
}
