using System.Runtime.InteropServices;
using System.Text;
using LLama.Exceptions;
using LLama.Native;
using Probing.Gguf;
using Probing.IclHarness.Llama.Native;
using Probing.IclHarness.Llama.Preflight;

namespace Probing.IclHarness.Llama;

/// <summary>
/// A GGUF model hosted in-process by llama.cpp. The file is first opened and validated by
/// <see cref="GgufReader"/> (llama.cpp never sees a damaged file) and stays memory-mapped for the logit
/// lens. Thread-safe for tokenization; each <see cref="LlamaContext"/> is single-threaded.
/// </summary>
public sealed unsafe class LlamaModel : IDisposable
{
    private readonly SafeLlamaModelHandle _handle;
    private readonly SafeLlamaModelHandle.Vocabulary _vocabulary;
    private readonly nint _vocab;
    private readonly Lazy<SpmCoverage?> _spmCoverage;

    private LlamaModel(GgufFile gguf, SafeLlamaModelHandle handle, bool vocabularyOnly)
    {
        Gguf = gguf;
        _handle = handle;
        IsVocabularyOnly = vocabularyOnly;
        _vocabulary = handle.Vocab;
        _vocab = LlamaNative.llama_model_get_vocab(handle.DangerousGetHandle());
        // Never read the head count here: on a vocabulary-only model llama_model_n_head aborts the process.
        Info = new LlamaModelInfo(
            gguf.Path,
            gguf.Architecture,
            handle.LayerCount,
            handle.EmbeddingSize,
            _vocabulary.Count,
            LlamaLibrary.Utf8(LlamaNative.llama_ftype_name((int)handle.FileType)),
            handle.ContextSize,
            VocabTypeName((int)_vocabulary.Type),
            handle.Description,
            (long)handle.ParameterCount);
        BosToken = _vocabulary.BOS is { } bos ? (int)bos : -1;
        EosToken = _vocabulary.EOS is { } eos ? (int)eos : -1;
        AddsBos = _vocabulary.ShouldAddBOS;
        _spmCoverage = new Lazy<SpmCoverage?>(() => SpmCoverage.Of(_vocab, (int)_vocabulary.Type, _vocabulary.Count, AddsSpacePrefix(gguf)));
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

    /// <summary>Loaded with <see cref="LoadVocabulary"/>: tokenization only, no contexts.</summary>
    public bool IsVocabularyOnly { get; }

    internal SafeLlamaModelHandle Handle => _handle;

    internal SafeLlamaModelHandle.Vocabulary Vocabulary => _vocabulary;

    /// <summary>Validates <paramref name="path"/> with the GGUF reader, then loads it into llama.cpp (CPU, memory-mapped).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not GGUF, damaged, or rejected by llama.cpp (e.g. unknown architecture).</exception>
    /// <exception cref="NotSupportedException">A GGUF version or tensor type this tool does not read.</exception>
    public static LlamaModel Load(string path) => Load(path, vocabularyOnly: false);

    /// <summary>
    /// Validates <paramref name="path"/> and loads only its tokenizer (llama.cpp's vocab_only): tokenization and
    /// piece text work, <see cref="CreateContext"/> refuses.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not GGUF, damaged, or rejected by llama.cpp.</exception>
    public static LlamaModel LoadVocabulary(string path) => Load(path, vocabularyOnly: true);

    private static LlamaModel Load(string path, bool vocabularyOnly)
    {
        var gguf = GgufReader.Open(path);
        try
        {
            LlamaPreflight.Check(gguf);
            LlamaLibrary.EnsureInitialized();
            var parameters = LLamaModelParams.Default();
            parameters.n_gpu_layers = -1;
            parameters.vocab_only = vocabularyOnly;
            LlamaLog.Clear();
            try
            {
                return new LlamaModel(gguf, SafeLlamaModelHandle.LoadFromFile(Path.GetFullPath(path), parameters), vocabularyOnly);
            }
            catch (LoadWeightsFailedException)
            {
                // LLamaSharp's exception carries no reason; llama.cpp logged it.
                var reason = LlamaLog.FirstError() ?? "no reason given";
                var architecture = SafeArchitecture(gguf);
                var hint = reason.Contains("architecture", StringComparison.OrdinalIgnoreCase)
                    ? $"architecture '{architecture}' is not one that LLamaSharp {LlamaLibrary.LlamaSharpVersion}'s llama.cpp ({LlamaHost.PinnedLlamaCppCommit[..8]}) supports; it is older than current llama.cpp, see docs/llama.md"
                    : $"the file does not match what llama.cpp expects of architecture '{architecture}'";
                throw new InvalidDataException($"{path}: llama.cpp cannot load this model: {reason.TrimEnd('.')} ({hint}).");
            }
        }
        catch
        {
            gguf.Dispose();
            throw;
        }
    }

    /// <summary>Creates an evaluation context (KV cache, batch, hooks) for this model.</summary>
    /// <exception cref="NotSupportedException">The model was loaded vocabulary-only.</exception>
    public LlamaContext CreateContext(LlamaContextOptions? options = null)
    {
        // llama.cpp "creates" a context on a vocabulary-only model, and the first decode then fails natively.
        if (IsVocabularyOnly)
            throw new NotSupportedException($"{Gguf.Path} was loaded for its vocabulary only; load it with LlamaModel.Load to evaluate text.");
        return new(this, options ?? new LlamaContextOptions());
    }
    /// <summary>Text to token ids.</summary>
    /// <param name="text">UTF-8 text.</param>
    /// <param name="addSpecial">Add BOS/EOS as the model's tokenizer is configured to.</param>
    /// <param name="parseSpecial">Turn special-token text such as <c>&lt;s&gt;</c> into the special token.</param>
    public int[] Tokenize(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        _spmCoverage.Value?.Check(text);
        if (Encoding.UTF8.GetByteCount(text) > MaxTokenizeBytes) throw new ArgumentException("the text is too long to tokenize.");
        var tokens = _handle.Tokenize(text, addSpecial, parseSpecial, Encoding.UTF8);
        return MemoryMarshal.Cast<LLamaToken, int>(tokens).ToArray();
    }

    // llama_tokenize counts tokens in an int32; well below that, its answer cannot overflow.
    private const int MaxTokenizeBytes = 256 << 20;

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
        var n = NativeApi.llama_token_to_piece(_vocabulary, token, buffer, 0, true);
        if (n < 0)
        {
            var large = new byte[-n];
            n = NativeApi.llama_token_to_piece(_vocabulary, token, large, 0, true);
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

    private static string VocabTypeName(int type) => type switch
    {
        0 => "none", 1 => "spm", 2 => "bpe", 3 => "wpm", 4 => "ugm", 5 => "rwkv", 6 => "plamo2", 7 => "test",
        _ => $"type {type}",
    };

    // llama.cpp's SPM default is true; a value of another type makes llama.cpp refuse the file before this is read.
    private static bool AddsSpacePrefix(GgufFile gguf) => gguf.Find("tokenizer.ggml.add_space_prefix")?.Value is not false;

    private static string SafeArchitecture(GgufFile gguf)
    {
        try { return gguf.Architecture; }
        catch (InvalidDataException) { return "(missing)"; }
    }
}
