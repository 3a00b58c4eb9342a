using System.Runtime.InteropServices;
using Probing.IclHarness.Llama.Native;
using Probing.Runs;

namespace Probing.IclHarness.Llama;

/// <summary>
/// Which characters a SentencePiece (SPM) vocabulary can tokenize. llama.cpp's SPM tokenizer spells a character
/// that has no token of its own with byte tokens (<c>&lt;0xXX&gt;</c>), and looks those up with
/// <c>std::unordered_map::at</c>: a vocabulary without them (a small character-level model, for instance) makes
/// <c>llama_tokenize</c> throw a C++ exception through the C API, which ends the process. This check runs first
/// and turns that into an <see cref="ArgumentException"/>.
/// </summary>
internal sealed class SpmCoverage
{
    private const int SpmVocabType = 1;
    private readonly HashSet<string> _texts;
    private readonly bool[] _byteToken = new bool[256];
    private readonly bool _addsSpacePrefix;

    private SpmCoverage(HashSet<string> texts, bool addsSpacePrefix)
    {
        _texts = texts;
        _addsSpacePrefix = addsSpacePrefix;
        for (var b = 0; b < 256; b++)
            _byteToken[b] = texts.Contains($"<0x{b:X2}>") || (b < 0x80 && texts.Contains(((char)b).ToString()));
    }

    /// <summary>Whether every byte has a token, so that any text can be tokenized.</summary>
    public bool IsComplete => Array.TrueForAll(_byteToken, b => b);

    /// <summary>
    /// The coverage of <paramref name="vocab"/> (a <c>llama_vocab *</c> of <paramref name="vocabType"/> with <paramref name="n"/> tokens) when it is an SPM vocabulary; null for other tokenizers, which do not abort on unknown bytes.
    /// <paramref name="addsSpacePrefix"/> is the file's <c>tokenizer.ggml.add_space_prefix</c> (llama.cpp's default for SPM: true).
    /// </summary>
    public static SpmCoverage? Of(nint vocab, int vocabType, int n, bool addsSpacePrefix)
    {
        if (vocabType != SpmVocabType) return null;
        var texts = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < n; t++)
        {
            if (Marshal.PtrToStringUTF8(LlamaNative.llama_vocab_get_text(vocab, t)) is { } text) texts.Add(text);
        }
        return new SpmCoverage(texts, addsSpacePrefix);
    }

    /// <summary>Throws when <paramref name="text"/> has a character that is neither a token nor spelled by byte tokens.</summary>
    /// <exception cref="ArgumentException">The first character the vocabulary cannot tokenize.</exception>
    public void Check(string text)
    {
        if (IsComplete) return;
        Span<byte> utf8 = stackalloc byte[4];
        // SentencePiece writes spaces as U+2581, and llama.cpp puts one in front of the text only when the file's
        // add_space_prefix is true: a vocabulary without "▁" (an exported toy model) still tokenizes its own symbols.
        foreach (var rune in ((_addsSpacePrefix ? "\u2581" : "") + text).EnumerateRunes())
        {
            var piece = rune.Value == ' ' ? "\u2581" : rune.ToString();
            if (_texts.Contains(piece)) continue;
            var length = rune.EncodeToUtf8(utf8);
            var spelled = true;
            for (var i = 0; i < length; i++) spelled &= _byteToken[utf8[i]];
            if (spelled) continue;
            var shown = rune.Value switch { '\n' => "\\n", '\t' => "\\t", '\r' => "\\r", _ => rune.ToString() };
            throw new ArgumentException(
                $"the model's vocabulary has no token for '{shown}' (U+{rune.Value:X4}) and no byte tokens to spell it, so llama.cpp cannot tokenize the text; use only characters the model knows (for an ICL run: another Template, or a task and XMin..XMax whose answers avoid the character)")
                .Naming("Template", "XMin..XMax");
        }
    }
}
