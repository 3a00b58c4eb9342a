using System.Text;

namespace Probing.Gguf;

/// <summary>
/// A character-level SentencePiece (<c>tokenizer.ggml.model = llama</c>) vocabulary: <c>&lt;unk&gt;</c>,
/// <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, the 256 byte-fallback tokens <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c>,
/// then one normal token per character. It has no multi-character pieces, so llama.cpp's SPM
/// tokenizer maps text to one token per character (the space is stored as SPM's "▁") and falls back
/// to UTF-8 byte tokens for characters outside the list.
/// </summary>
public sealed class SpmCharVocabulary
{
    /// <summary>SentencePiece's visible space, U+2581, which llama.cpp substitutes for ' ' before lookup.</summary>
    public const string SpaceMarker = "\u2581";

    /// <summary>Id of <c>&lt;unk&gt;</c> (llama.cpp's SPM default).</summary>
    public const int UnknownId = 0;

    /// <summary>Id of <c>&lt;s&gt;</c>, the begin-of-sequence token.</summary>
    public const int BosId = 1;

    /// <summary>Id of <c>&lt;/s&gt;</c>, the end-of-sequence token.</summary>
    public const int EosId = 2;

    /// <summary>Id of <c>&lt;0x00&gt;</c>; byte b has id <c>FirstByteId + b</c>.</summary>
    public const int FirstByteId = 3;

    /// <summary>Id of the first character token.</summary>
    public const int FirstCharacterId = FirstByteId + 256;

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _characterIds;

    private SpmCharVocabulary(IReadOnlyList<string> characters)
    {
        Characters = characters;
        _tokens = new string[FirstCharacterId + characters.Count];
        _tokens[UnknownId] = "<unk>";
        _tokens[BosId] = "<s>";
        _tokens[EosId] = "</s>";
        for (var b = 0; b < 256; b++) _tokens[FirstByteId + b] = $"<0x{b:X2}>";
        _characterIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < characters.Count; i++)
        {
            _tokens[FirstCharacterId + i] = ToPiece(characters[i]);
            _characterIds[characters[i]] = FirstCharacterId + i;
        }
    }

    /// <summary>The characters with their own token, in id order (a space is " ", not "▁").</summary>
    public IReadOnlyList<string> Characters { get; }

    /// <summary>Number of tokens (<c>n_vocab</c>).</summary>
    public int Count => _tokens.Length;

    /// <summary>The token pieces as stored in <c>tokenizer.ggml.tokens</c> (space as "▁").</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>
    /// Builds the vocabulary for the distinct characters (Unicode scalar values) of
    /// <paramref name="characters"/>, in first-seen order. "▁" and " " are the same token.
    /// </summary>
    /// <exception cref="ArgumentException">No characters were given.</exception>
    public static SpmCharVocabulary Create(string characters)
    {
        ArgumentNullException.ThrowIfNull(characters);
        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rune in characters.EnumerateRunes())
        {
            var text = rune.ToString() == SpaceMarker ? " " : rune.ToString();
            if (seen.Add(text)) distinct.Add(text);
        }

        if (distinct.Count == 0)
            throw new ArgumentException("a character vocabulary needs at least one character, such as \"0123456789(), \".", nameof(characters));
        return new SpmCharVocabulary(distinct);
    }

    /// <summary>The scores (<c>tokenizer.ggml.scores</c>): 0 for special and byte tokens, -k for the k-th character.</summary>
    public float[] Scores() => Enumerable.Range(0, Count).Select(id => id < FirstCharacterId ? 0f : -(float)(id - FirstCharacterId)).ToArray();

    /// <summary>The token types (<c>tokenizer.ggml.token_type</c>).</summary>
    public int[] TokenTypes() => Enumerable.Range(0, Count).Select(id => (int)TypeOf(id)).ToArray();

    /// <summary>The type of token <paramref name="id"/>.</summary>
    public SpmTokenType TypeOf(int id) => id switch
    {
        UnknownId => SpmTokenType.Unknown,
        BosId or EosId => SpmTokenType.Control,
        < FirstCharacterId and >= FirstByteId => SpmTokenType.Byte,
        _ when id >= FirstCharacterId && id < Count => SpmTokenType.Normal,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, $"token ids run from 0 to {Count - 1}."),
    };

    /// <summary>The id of the byte-fallback token for <paramref name="value"/>.</summary>
    public static int ByteTokenId(byte value) => FirstByteId + value;

    /// <summary>
    /// Tokenizes as llama.cpp's SPM tokenizer does for this vocabulary: one token per known character,
    /// UTF-8 byte tokens for the others, and <c>&lt;s&gt;</c> first when <paramref name="addBos"/>.
    /// </summary>
    public int[] Encode(string text, bool addBos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length + 1);
        if (addBos) ids.Add(BosId);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var key = rune.ToString() == SpaceMarker ? " " : rune.ToString();
            if (_characterIds.TryGetValue(key, out var id))
            {
                ids.Add(id);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++) ids.Add(ByteTokenId(utf8[i]));
        }

        return ids.ToArray();
    }

    /// <summary>Turns ids back into text: characters as themselves, byte tokens as UTF-8, special tokens dropped.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            switch (TypeOf(id))
            {
                case SpmTokenType.Byte: bytes.Add((byte)(id - FirstByteId)); break;
                case SpmTokenType.Normal: bytes.AddRange(Encoding.UTF8.GetBytes(Characters[id - FirstCharacterId])); break;
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>
    /// Adds the tokenizer metadata llama.cpp reads for an SPM vocabulary: model, tokens, scores,
    /// token types, special ids, <c>add_bos_token</c>, and <c>add_space_prefix = false</c> so that text
    /// is not given a leading "▁".
    /// </summary>
    public GgufWriter AddTo(GgufWriter writer, bool addBos = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", _tokens)
            .Add("tokenizer.ggml.scores", Scores())
            .Add("tokenizer.ggml.token_type", TokenTypes())
            .Add("tokenizer.ggml.bos_token_id", (uint)BosId)
            .Add("tokenizer.ggml.eos_token_id", (uint)EosId)
            .Add("tokenizer.ggml.unknown_token_id", (uint)UnknownId)
            .Add("tokenizer.ggml.add_bos_token", addBos)
            .Add("tokenizer.ggml.add_eos_token", false)
            .Add("tokenizer.ggml.add_space_prefix", false);
    }

    private static string ToPiece(string character) => character == " " ? SpaceMarker : character;
}
