using System.Text;

namespace Probing.Gguf;

/// <summary>
/// Small vocabularies of every tokenizer kind llama.cpp hosts, shaped as its converter writes them, for test models
/// (<see cref="TinyLlamaBuilder.Build(TinyLlamaConfig, TinyVocabulary)"/>) and for the semantic fuzzer: SentencePiece
/// (<c>llama</c>), byte-level BPE (<c>gpt2</c>), WordPiece (<c>bert</c>), Unigram (<c>t5</c>) and RWKV (<c>rwkv</c>).
/// Each covers the characters of ICL prompts such as "(1, 5), (4, 11)".
/// </summary>
/// <param name="Model">The value of <c>tokenizer.ggml.model</c>.</param>
/// <param name="Tokens">Token texts as stored (<c>tokenizer.ggml.tokens</c>); the model's n_vocab.</param>
/// <param name="Metadata">Every other <c>tokenizer.ggml.*</c> key, in the order they are written.</param>
public sealed record TinyVocabulary(string Model, IReadOnlyList<string> Tokens, IReadOnlyList<KeyValuePair<string, object>> Metadata)
{
    private const string Characters = "0123456789(),.:;=+-*/ abcdefghijklmnopqrstuvwxyz\n";

    /// <summary>The kinds, by their <c>tokenizer.ggml.model</c> value.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["llama", "gpt2", "bert", "t5", "rwkv"];

    /// <summary>The vocabulary of kind <paramref name="model"/> (one of <see cref="Kinds"/>).</summary>
    /// <exception cref="ArgumentException">An unknown kind.</exception>
    public static TinyVocabulary Of(string model) => model switch
    {
        "llama" => Spm(),
        "gpt2" => Bpe(),
        "bert" => WordPiece(),
        "t5" => Unigram(),
        "rwkv" => Rwkv(),
        _ => throw new ArgumentException($"no tiny vocabulary of kind '{model}'; kinds: {string.Join(", ", Kinds)}.", nameof(model)),
    };

    /// <summary>Adds <c>tokenizer.ggml.model</c>, the tokens and <see cref="Metadata"/> to <paramref name="writer"/>.</summary>
    public GgufWriter AddTo(GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("tokenizer.ggml.model", Model).Add("tokenizer.ggml.tokens", Tokens.ToArray());
        foreach (var (key, value) in Metadata) writer.Add(key, value);
        return writer;
    }

    private static TinyVocabulary Spm()
    {
        var spm = SpmCharVocabulary.Create(Characters);
        return new("llama", spm.Tokens,
        [
            new("tokenizer.ggml.scores", spm.Scores()), new("tokenizer.ggml.token_type", spm.TokenTypes()),
            new("tokenizer.ggml.bos_token_id", (uint)SpmCharVocabulary.BosId), new("tokenizer.ggml.eos_token_id", (uint)SpmCharVocabulary.EosId),
            new("tokenizer.ggml.unknown_token_id", (uint)SpmCharVocabulary.UnknownId),
            new("tokenizer.ggml.add_bos_token", true), new("tokenizer.ggml.add_eos_token", false), new("tokenizer.ggml.add_space_prefix", false),
        ]);
    }

    // GPT-2 byte-level BPE: the 256 bytes as GPT-2's printable characters, a few merges, and <|endoftext|>.
    private static TinyVocabulary Bpe()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => ByteChar((byte)b)).ToList();
        var merges = new[] { "Ġ (", "1 ,", "Ġ 1", "( 1" };
        foreach (var merge in merges) tokens.Add(merge.Replace(" ", "", StringComparison.Ordinal));
        tokens.Add("<|endoftext|>");
        var eot = tokens.Count - 1;
        var types = tokens.Select((_, id) => id == eot ? (int)SpmTokenType.Control : (int)SpmTokenType.Normal).ToArray();
        return new("gpt2", tokens,
        [
            new("tokenizer.ggml.pre", "gpt-2"), new("tokenizer.ggml.token_type", types), new("tokenizer.ggml.merges", merges),
            new("tokenizer.ggml.bos_token_id", (uint)eot), new("tokenizer.ggml.eos_token_id", (uint)eot), new("tokenizer.ggml.add_bos_token", false),
        ]);
    }

    // BERT WordPiece: [PAD] [UNK] [CLS] [SEP] [MASK], then each character and its continuation "##c".
    private static TinyVocabulary WordPiece()
    {
        var tokens = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        foreach (var c in Characters.Where(c => c is not (' ' or '\n'))) tokens.Add(c.ToString());
        foreach (var c in Characters.Where(char.IsLetterOrDigit)) tokens.Add("##" + c);
        var types = tokens.Select((_, id) => id < 5 ? (int)SpmTokenType.Control : (int)SpmTokenType.Normal).ToArray();
        return new("bert", tokens,
        [
            new("tokenizer.ggml.token_type", types), new("tokenizer.ggml.padding_token_id", 0u), new("tokenizer.ggml.unknown_token_id", 1u),
            new("tokenizer.ggml.bos_token_id", 2u), new("tokenizer.ggml.seperator_token_id", 3u), new("tokenizer.ggml.mask_token_id", 4u),
        ]);
    }

    // T5 Unigram: <pad> </s> <unk>, "▁", then characters with falling scores; no normalizer table (optional).
    private static TinyVocabulary Unigram()
    {
        var tokens = new List<string> { "<pad>", "</s>", "<unk>", "\u2581" };
        foreach (var c in Characters.Where(c => c is not (' ' or '\n'))) tokens.Add(c.ToString());
        tokens.Add("\n");
        var scores = tokens.Select((_, id) => id < 3 ? 0f : -(float)id).ToArray();
        var types = tokens.Select((_, id) => id switch { 2 => (int)SpmTokenType.Unknown, < 2 => (int)SpmTokenType.Control, _ => (int)SpmTokenType.Normal }).ToArray();
        return new("t5", tokens,
        [
            new("tokenizer.ggml.scores", scores), new("tokenizer.ggml.token_type", types), new("tokenizer.ggml.padding_token_id", 0u),
            new("tokenizer.ggml.eos_token_id", 1u), new("tokenizer.ggml.unknown_token_id", 2u), new("tokenizer.ggml.add_eos_token", false),
        ]);
    }

    // RWKV "world" vocabularies store each token as an escaped byte string (every single byte is a token of its own,
    // which llama.cpp's RWKV tokenizer needs); id 0 is a control token by convention.
    private static TinyVocabulary Rwkv()
    {
        var tokens = new List<string> { "\\x00" };
        foreach (var c in Characters) tokens.Add(c == '\n' ? "\\n" : c.ToString());
        tokens.Add("\\x01");
        tokens.Add("(1");
        var types = tokens.Select((_, id) => id == 0 ? (int)SpmTokenType.Control : (int)SpmTokenType.Normal).ToArray();
        return new("rwkv", tokens, [new("tokenizer.ggml.token_type", types)]);
    }

    // GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 upwards.
    private static string ByteChar(byte b)
    {
        var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
        if (printable) return ((char)b).ToString();
        var n = 0;
        for (var i = 0; i < b; i++)
        {
            var p = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || i >= 0xAE;
            if (!p) n++;
        }

        return new StringBuilder().Append((char)(256 + n)).ToString();
    }
}
