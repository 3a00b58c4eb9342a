using Probing.Gguf;

namespace Probing.IclHarness.Llama.Preflight;

/// <summary>
/// The tokenizer metadata (<c>tokenizer.ggml.*</c>) that llama.cpp accepts while loading but then asserts on
/// (src/llama-vocab.cpp, <c>llama_vocab::impl::load</c> and <c>tokenize</c>): a GGML_ASSERT or an exception
/// thrown through the C API ends the whole process, so each case becomes a one-line
/// <see cref="InvalidDataException"/> here, before llama.cpp sees the file. Values llama.cpp itself refuses
/// cleanly (a missing key, a wrong value type) are refused here too, with a message that names the key.
/// </summary>
internal static class VocabularyPreflight
{
    private const string Prefix = "tokenizer.ggml.";
    private const int NoToken = -1;

    /// <summary>Throws when llama.cpp would load the vocabulary of <paramref name="file"/> and then abort.</summary>
    public static void Check(GgufFile file)
    {
        var modelKey = Prefix + "model";
        if (file.Find(modelKey) is not { } modelValue) return; // llama.cpp refuses cleanly: "key not found"
        var model = modelValue.Value as string
            ?? throw Bad(file, modelKey, modelValue, "it must be a string such as \"llama\" (SentencePiece) or \"gpt2\" (BPE)", "re-convert the model with llama.cpp's convert_hf_to_gguf.py");
        var kind = KindOf(model) ?? model switch
        {
            "none" or "no_vocab" => throw Bad(file, modelKey, modelValue,
                "the file has no tokenizer, and probe needs one to turn prompts into tokens", "use the full model file, which includes its tokenizer"),
            "test" => throw Bad(file, modelKey, modelValue,
                "that is llama.cpp's placeholder tokenizer for its own tests, which cannot tokenize text", "use a model with its real tokenizer"),
            _ => throw Bad(file, modelKey, modelValue,
                "llama.cpp knows no such tokenizer (it knows llama, gpt2, bert, t5, rwkv, plamo2, gemma4)", "re-convert the model with llama.cpp's convert_hf_to_gguf.py"),
        };

        var tokens = Tokens(file);
        // Older llama.cpp (LLamaSharp 0.30.0's) reads these with gguf_get_arr_str / gguf_get_arr_data without checking
        // their type first, and ggml asserts on a mismatch; newer versions refuse cleanly.
        if (kind == Kind.Bpe) CheckArrayType(file, "merges", GgufType.String);
        CheckArrayType(file, "suppress_tokens", GgufType.Int32);
        CheckArrayLength(file, "scores", tokens.Length, GgufType.Float32, GgufType.Int32);
        CheckArrayLength(file, "token_type", tokens.Length, GgufType.Int32);
        CheckDuplicates(file, tokens);
        if (kind == Kind.Wpm) CheckNoByteTokens(file, tokens);
        if (kind == Kind.Rwkv) CheckRwkvFirstBytes(file, tokens);
        CheckSpecialTokens(file, kind, model, tokens.Length);
        if (kind == Kind.Ugm) PrecompiledCharsmap.Check(file, Prefix + "precompiled_charsmap");
    }

    private enum Kind { Spm, Bpe, Wpm, Ugm, Rwkv, Plamo2 }

    private static Kind? KindOf(string model) => model switch
    {
        "llama" => Kind.Spm,
        "bert" => Kind.Wpm,
        "gpt2" or "hybriddna" or "whitespace" or "gemma4" => Kind.Bpe,
        "t5" => Kind.Ugm,
        "rwkv" => Kind.Rwkv,
        "plamo2" => Kind.Plamo2,
        _ => null,
    };

    private static string[] Tokens(GgufFile file)
    {
        var key = Prefix + "tokens";
        var value = file.Find(key) ?? throw new InvalidDataException(
            $"{file.Path}: metadata '{key}' is missing, so the model has no vocabulary; re-convert the model with llama.cpp's convert_hf_to_gguf.py.");
        if (value.Value is not string[] tokens)
            throw Bad(file, key, value, "it must be an array of strings", "re-convert the model");
        if (tokens.Length == 0)
            throw Bad(file, key, value, "the vocabulary is empty", "re-convert the model with its tokenizer");
        return tokens;
    }

    private static void CheckArrayType(GgufFile file, string name, GgufType elementType)
    {
        var key = Prefix + name;
        if (file.Find(key) is { } value && !(value.IsArray && value.ElementType == elementType))
            throw Bad(file, key, value, $"it must be an array of {elementType}, and llama.cpp would abort reading it", "re-convert the model");
    }

    private static void CheckArrayLength(GgufFile file, string name, int tokenCount, params GgufType[] elementTypes)
    {
        var key = Prefix + name;
        if (file.Find(key) is not { } value) return;
        if (!value.IsArray || Array.IndexOf(elementTypes, value.ElementType!.Value) < 0)
            throw Bad(file, key, value, $"it must be an array of {string.Join(" or ", elementTypes)}", "re-convert the model");
        if (value.Count < tokenCount)
            throw Bad(file, key, value, $"it has {value.Count} entries for {tokenCount} tokens", "re-convert the model");
    }

    // llama.cpp maps each text to its id and asserts that no two ids share a text; it first renames an empty
    // text to "[EMPTY_<id>]", which can collide with a real token of that name.
    private static void CheckDuplicates(GgufFile file, string[] tokens)
    {
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            var text = tokens[id].Length == 0 ? $"[EMPTY_{id}]" : tokens[id];
            if (ids.TryAdd(text, id)) continue;
            throw new InvalidDataException(
                $"{file.Path}: '{Prefix}tokens' has the text '{Shown(text)}' twice (ids {ids[text]} and {id}); llama.cpp needs each token text once and would abort; re-convert the model or fix its tokenizer.");
        }
    }

    // WordPiece has no byte fallback: llama.cpp renders every token into a piece cache while loading, and a token of
    // type BYTE (6) reaches token_to_byte, which aborts for WPM.
    private static void CheckNoByteTokens(GgufFile file, string[] tokens)
    {
        var key = Prefix + "token_type";
        if (file.Find(key)?.Value is not int[] types) return;
        var id = Array.IndexOf(types, (int)SpmTokenType.Byte, 0, Math.Min(types.Length, tokens.Length));
        if (id >= 0)
            throw new InvalidDataException(
                $"{file.Path}: '{key}' marks token {id} ('{Shown(tokens[id])}') as a byte token (type 6), which a WordPiece (bert) tokenizer cannot have, so llama.cpp would abort; re-convert the model, or give the token type 1 (normal).");
    }

    // llama.cpp's RWKV tokenizer walks a trie for the longest token at each position; when the byte there starts some
    // token but no token ends on the way (say "10" exists but "1" does not), it restarts from position 0 and loops
    // forever while its output grows. Every byte that starts a token must therefore be a token by itself.
    private static void CheckRwkvFirstBytes(GgufFile file, string[] tokens)
    {
        var single = new bool[256];
        var first = new int[256];
        Array.Fill(first, -1);
        for (var id = 0; id < tokens.Length; id++)
        {
            var bytes = UnescapeRwkv(tokens[id]);
            if (bytes.Count == 0) continue;
            if (bytes.Count == 1) single[bytes[0]] = true;
            else if (first[bytes[0]] < 0) first[bytes[0]] = id;
        }

        for (var b = 0; b < 256; b++)
        {
            if (first[b] < 0 || single[b]) continue;
            throw new InvalidDataException(
                $"{file.Path}: '{Prefix}tokens' has token {first[b]} ('{Shown(tokens[first[b]])}') starting with byte 0x{b:X2} but no token for that byte alone, so llama.cpp's RWKV tokenizer would loop forever on text with that byte; re-convert the model with its full byte vocabulary.");
        }
    }

    // llama_unescape_rwkv_token: \t \n \r \xHH escapes, any other escaped character as itself.
    private static List<byte> UnescapeRwkv(string escaped)
    {
        var output = new List<byte>();
        var (escaping, hexRemaining, hex) = (false, 0, 0);
        foreach (var c in System.Text.Encoding.UTF8.GetBytes(escaped))
        {
            if (hexRemaining != 0)
            {
                hex = ((hex << 4) + (c >= 'a' ? c - 'a' + 10 : c - '0')) & 0xFF;
                if (--hexRemaining == 0) { output.Add((byte)hex); hex = 0; }
                continue;
            }

            if (escaping)
            {
                if (c == 'x') hexRemaining = 2;
                else output.Add(c switch { (byte)'t' => (byte)'\t', (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', _ => c });
                escaping = false;
                continue;
            }

            if (c == '\\') escaping = true;
            else output.Add(c);
        }

        return output;
    }

    // tokenize() asserts that the BOS/EOS/SEP token it is told to add exists. Which it adds and which id each has
    // follow llama.cpp: a default per tokenizer, disabled when outside the vocabulary, replaced by a uint32 key when
    // that is inside the vocabulary.
    private static void CheckSpecialTokens(GgufFile file, Kind kind, string model, int count)
    {
        // glm4's and chatglm's pre-tokenizers have no default BOS.
        var pre = LlamaTokenizerDefaults.PreTokenizer(file);
        var (bos, eos, sep) = kind switch
        {
            Kind.Spm => (1, 2, NoToken),
            Kind.Wpm => (101, NoToken, 102),
            Kind.Bpe when model == "gemma4" => (NoToken, NoToken, NoToken),
            Kind.Bpe => (pre is "glm4" or "chatglm-bpe" ? NoToken : 11, 11, NoToken),
            Kind.Ugm => (NoToken, 1, NoToken),
            _ => (NoToken, NoToken, NoToken),
        };
        bos = SpecialId(file, "bos_token_id", bos, count);
        eos = SpecialId(file, "eos_token_id", eos, count);
        sep = SpecialId(file, "seperator_token_id", sep, count);

        var addBos = LlamaTokenizerDefaults.AddsBos(file) ?? false;
        // WordPiece adds [CLS] and [SEP] whenever special tokens are asked for, whatever the flags say; T5's UGM adds EOS.
        var addEos = kind != Kind.Wpm && Flag(file, "add_eos_token", kind == Kind.Ugm);
        var needsSep = kind == Kind.Wpm;
        if (kind is Kind.Spm or Kind.Bpe or Kind.Wpm or Kind.Ugm)
        {
            if (addBos && bos == NoToken) throw MissingSpecial(file, "bos_token_id", "a beginning-of-sequence token", "add_bos_token", count);
            if (addEos && eos == NoToken) throw MissingSpecial(file, "eos_token_id", "an end-of-sequence token", "add_eos_token", count);
            if (needsSep && sep == NoToken) throw MissingSpecial(file, "seperator_token_id", "a separator ([SEP]) token", null, count);
        }
    }

    private static int SpecialId(GgufFile file, string name, int defaultId, int count)
    {
        var id = defaultId >= count ? NoToken : defaultId;
        return file.Find(Prefix + name) is { Type: GgufType.UInt32, Value: uint value } && value < count ? (int)value : id;
    }

    private static bool Flag(GgufFile file, string name, bool defaultValue) =>
        file.Find(Prefix + name) is { Type: GgufType.Bool, Value: bool value } ? value : defaultValue;

    private static InvalidDataException MissingSpecial(GgufFile file, string idName, string what, string? flagName, int count) => new(
        $"{file.Path}: the tokenizer adds {what} but '{Prefix}{idName}' names none inside the {count}-token vocabulary, so llama.cpp would abort while tokenizing; "
        + (flagName is null ? $"set '{Prefix}{idName}' to the token's id." : $"set '{Prefix}{idName}' to the token's id, or '{Prefix}{flagName}' to false."));

    private static InvalidDataException Bad(GgufFile file, string key, GgufValue value, string why, string fix) =>
        new($"{file.Path}: '{key}' is {Describe(value)}; {why}; {fix}.");

    internal static string Describe(GgufValue value) => value.Value switch
    {
        string s => $"'{Shown(s)}'",
        Array a => $"an array of {a.Length} {value.ElementType}",
        _ => $"{value} ({value.Type})",
    };

    internal static string Shown(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in text.Length > 40 ? text[..40] + "…" : text)
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        return builder.ToString();
    }
}
