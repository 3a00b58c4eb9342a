using System.Text;

namespace Probing.IclHarness.Llama;

/// <summary>
/// Token text for people: a byte token or a piece of a multi-byte character (not text on its own) shows its bytes
/// as <c>&lt;0xE2&gt;</c>, and a control token that renders to nothing shows its vocabulary entry
/// (<c>&lt;|begin_of_text|&gt;</c>) or <c>&lt;id N&gt;</c>, instead of U+FFFD or an empty string.
/// </summary>
public static class TokenText
{
    /// <summary>The readable text of <paramref name="token"/> in <paramref name="model"/>'s vocabulary.</summary>
    public static string Readable(LlamaModel model, int token)
    {
        ArgumentNullException.ThrowIfNull(model);
        var text = Readable(model.TokenToPieceBytes(token));
        if (text.Length > 0) return text;
        return model.Gguf.Find("tokenizer.ggml.tokens")?.Value is string[] entries && token < entries.Length && entries[token].Length > 0
            ? entries[token]
            : $"<id {token}>";
    }

    /// <summary>UTF-8 <paramref name="bytes"/> as text, each byte that is not part of a whole character as <c>&lt;0xNN&gt;</c>.</summary>
    public static string Readable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        while (bytes.Length > 0)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                sb.Append(rune.ToString());
                bytes = bytes[used..];
            }
            else
            {
                sb.Append("<0x").Append(bytes[0].ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).Append('>');
                bytes = bytes[1..];
            }
        }
        return sb.ToString();
    }
}
