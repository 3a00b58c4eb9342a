using System.Text;
using Probing.IclHarness.Gguf;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

/// <summary>
/// A GGUF model hosted in-process by llama.cpp. The file is first opened and validated by
/// <see cref="GgufReader"/> (llama.cpp never sees a damaged file) and stays memory-mapped for the logit
/// lens. Thread-safe for tokenization; each <see cref="LlamaContext"/> is single-threaded.
/// </summary>
public sealed unsafe class LlamaModel : IDisposable
{
    private readonly SafeLlamaModelHandle _handle;
    private readonly nint _vocab;
    private readonly Lazy<SpmCoverage?> _spmCoverage;

    private LlamaModel(GgufFile gguf, SafeLlamaModelHandle handle)
    {
        Gguf = gguf;
        _handle = handle;
        var model = handle.DangerousGetHandle();
        _vocab = LlamaNative.llama_model_get_vocab(model);
        Info = new LlamaModelInfo(
            gguf.Path,
            gguf.Architecture,
            LlamaNative.llama_model_n_layer(model),
            LlamaNative.llama_model_n_embd(model),
            LlamaNative.llama_vocab_n_tokens(_vocab),
            LlamaLibrary.Utf8(LlamaNative.llama_ftype_name(LlamaNative.llama_model_ftype(model))),
            LlamaNative.llama_model_n_ctx_train(model),
            VocabTypeName(LlamaNative.llama_vocab_type(_vocab)),
            Describe(model),
            (long)LlamaNative.llama_model_n_params(model));
        BosToken = LlamaNative.llama_vocab_bos(_vocab);
        EosToken = LlamaNative.llama_vocab_eos(_vocab);
        AddsBos = LlamaNative.llama_vocab_get_add_bos(_vocab) != 0;
        _spmCoverage = new Lazy<SpmCoverage?>(() => SpmCoverage.Of(_vocab));
    }

    /// <summary>Architecture, sizes and quant type as llama.cpp sees them.</summary>
    public LlamaModelInfo Info { get; }

    /// <summary>The validated, memory-mapped GGUF file (tensor data for the lens, metadata).</summary>
    public GgufFile Gguf { get; }

    /// <summary>Beginning-of-sequence token id, or -1.</summary>
    public int BosToken { get; }

    /// <summary>End-of-sequence token id, or -1.</summary>
    public int EosToken { get; }

    /// <summary>Whether the tokenizer adds BOS when asked to add special tokens.</summary>
    public bool AddsBos { get; }

    internal SafeLlamaModelHandle Handle => _handle;

    /// <summary>Validates <paramref name="path"/> with the GGUF reader, then loads it into llama.cpp (CPU, memory-mapped).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not GGUF, damaged, or rejected by llama.cpp (e.g. unknown architecture).</exception>
    /// <exception cref="NotSupportedException">A GGUF version or tensor type this tool does not read.</exception>
    public static LlamaModel Load(string path)
    {
        var gguf = GgufReader.Open(path);
        try
        {
            LlamaPreflight.Check(gguf);
            LlamaLibrary.EnsureInitialized();
            var parameters = LlamaLibrary.ModelDefaults;
            parameters.n_gpu_layers = -1;
            LlamaLog.Clear();
            nint model;
            fixed (byte* p = Encoding.UTF8.GetBytes(Path.GetFullPath(path) + "\0"))
                model = LlamaNative.llama_model_load_from_file(p, parameters);
            if (model == 0)
            {
                var reason = LlamaLog.FirstError() ?? "no reason given";
                var hint = reason.Contains("architecture", StringComparison.OrdinalIgnoreCase)
                    ? $"architecture '{SafeArchitecture(gguf)}' is not one the pinned llama.cpp supports"
                    : $"the file does not match what llama.cpp expects of architecture '{SafeArchitecture(gguf)}'";
                throw new InvalidDataException($"{path}: llama.cpp cannot load this model: {reason.TrimEnd('.')} ({hint}).");
            }
            return new LlamaModel(gguf, new SafeLlamaModelHandle(model));
        }
        catch
        {
            gguf.Dispose();
            throw;
        }
    }

    /// <summary>Creates an evaluation context (KV cache, batch, hooks) for this model.</summary>
    public LlamaContext CreateContext(LlamaContextOptions? options = null) => new(this, options ?? new LlamaContextOptions());

    /// <summary>Text to token ids.</summary>
    /// <param name="text">UTF-8 text.</param>
    /// <param name="addSpecial">Add BOS/EOS as the model's tokenizer is configured to.</param>
    /// <param name="parseSpecial">Turn special-token text such as <c>&lt;s&gt;</c> into the special token.</param>
    public int[] Tokenize(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        _spmCoverage.Value?.Check(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var capacity = bytes.Length + 8;
        while (true)
        {
            var tokens = new int[capacity];
            int n;
            fixed (byte* t = bytes)
            fixed (int* o = tokens)
                n = LlamaNative.llama_tokenize(_vocab, t, bytes.Length, o, capacity, addSpecial, parseSpecial);
            if (n == int.MinValue) throw new ArgumentException("the text is too long to tokenize.");
            if (n >= 0) return tokens[..n];
            capacity = -n;
        }
    }

    /// <summary>Tokens with the text of each piece.</summary>
    public IReadOnlyList<TokenPiece> TokenizeWithPieces(string text, bool addSpecial = true) =>
        Tokenize(text, addSpecial).Select(id => new TokenPiece(id, TokenToPiece(id))).ToArray();

    /// <summary>The text of one token (special tokens rendered, e.g. <c>&lt;s&gt;</c>); a byte token alone decodes to U+FFFD.</summary>
    public string TokenToPiece(int token) => Encoding.UTF8.GetString(TokenToPieceBytes(token));

    /// <summary>The bytes of one token (special tokens rendered): a byte token or part of a multi-byte character is not text on its own.</summary>
    public byte[] TokenToPieceBytes(int token)
    {
        CheckToken(token);
        Span<byte> buffer = stackalloc byte[128];
        int n;
        fixed (byte* b = buffer) n = LlamaNative.llama_token_to_piece(_vocab, token, b, buffer.Length, 0, true);
        if (n < 0)
        {
            var large = new byte[-n];
            fixed (byte* b = large) n = LlamaNative.llama_token_to_piece(_vocab, token, b, large.Length, 0, true);
            return large[..Math.Max(0, n)];
        }
        return buffer[..n].ToArray();
    }

    /// <summary>Token ids back to text (special tokens are dropped).</summary>
    public string Detokenize(IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        foreach (var t in tokens) CheckToken(t);
        var ids = tokens.ToArray();
        var capacity = ids.Length * 8 + 16;
        while (true)
        {
            var text = new byte[capacity];
            int n;
            fixed (int* i = ids)
            fixed (byte* o = text)
                n = LlamaNative.llama_detokenize(_vocab, i, ids.Length, o, capacity, false, false);
            if (n >= 0) return Encoding.UTF8.GetString(text, 0, n);
            capacity = -n;
        }
    }

    internal void CheckToken(int token)
    {
        if ((uint)token >= (uint)Info.VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(token), $"token id {token} is outside the vocabulary (0..{Info.VocabularySize - 1}).");
    }

    /// <summary>Frees the llama.cpp model (after its contexts) and unmaps the file.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        Gguf.Dispose();
    }

    private static string Describe(nint model)
    {
        var buffer = stackalloc byte[256];
        var n = LlamaNative.llama_model_desc(model, buffer, 256);
        return n > 0 ? Encoding.UTF8.GetString(buffer, Math.Min(n, 255)) : "";
    }

    private static string VocabTypeName(int type) => type switch
    {
        0 => "none", 1 => "spm", 2 => "bpe", 3 => "wpm", 4 => "ugm", 5 => "rwkv", 6 => "plamo2", 7 => "test",
        _ => $"type {type}",
    };

    private static string SafeArchitecture(GgufFile gguf)
    {
        try { return gguf.Architecture; }
        catch (InvalidDataException) { return "(missing)"; }
    }
}
