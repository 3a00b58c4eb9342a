using System.Text;
using Probing.IclHarness.Icl.Scoring;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Prompts;

/// <summary>Where each answer's tokens are in a tokenized prompt.</summary>
/// <param name="FirstAnswerToken">Index of the answer's first token.</param>
/// <param name="CloseToken">Index of the token that closes the answer (the first after y).</param>
/// <param name="InformativeToken">
/// Index of the answer's first token that is not whitespace. The answer " 15" starts with its space, which
/// Llama's SentencePiece vocabulary (and any character-level one) makes a token of its own that every rule
/// predicts alike; first-token figures and the logit lens read the next token instead (a first digit, a whole
/// number, or a minus sign, as the vocabulary splits the answer).
/// </param>
internal sealed record AnswerTokens(int FirstAnswerToken, int CloseToken, int InformativeToken)
{
    /// <summary>The answer's tokens plus the closing token.</summary>
    public int ScoredCount => CloseToken - FirstAnswerToken + 1;
}

/// <summary>
/// Maps character spans of a prompt onto its tokens (through UTF-8 byte offsets). The template assumes every answer starts and ends
/// on a token boundary (a tokenizer that merges ", 1" into one token breaks that); a violation is a
/// one-line <see cref="NotSupportedException"/>.
/// </summary>
internal static class TokenAlignment
{
    /// <summary>
    /// UTF-8 byte offset of each token's start (BOS and other empty pieces get the offset of what follows). Bytes,
    /// not characters: a character such as 🙂 or 𝑓 is spelled by several byte tokens, none of which is text alone.
    /// </summary>
    public static int[] Offsets(IScoringModel model, int[] tokens, string text)
    {
        var offsets = new int[tokens.Length];
        // A leading BOS renders as "<s>" but stands for no text.
        var skip = tokens.Length > 0 && model.BosToken == tokens[0] ? 1 : 0;
        var pieces = tokens.Select((t, i) => i < skip ? [] : model.PieceBytes(t)).ToArray();
        var joined = pieces.SelectMany(p => p).ToArray();
        var bytes = Encoding.UTF8.GetBytes(text);
        // SentencePiece vocabularies may add a space in front of the first word.
        var shift = joined.Length == bytes.Length + 1 && joined[0] == (byte)' ' && joined.AsSpan(1).SequenceEqual(bytes) ? 1 : 0;
        if (shift == 0 && !joined.AsSpan().SequenceEqual(bytes))
            throw new NotSupportedException(
                "the model's tokens do not spell the prompt back exactly (its tokenizer normalizes text), so answers cannot be located; try another Template").Naming("Template");
        var pos = -shift;
        for (var i = 0; i < tokens.Length; i++)
        {
            offsets[i] = Math.Max(pos, 0);
            pos += pieces[i].Length;
        }
        return offsets;
    }

    private static string Quote(string piece) => System.Text.Json.JsonSerializer.Serialize(piece);

    /// <summary>Locates every answer of <paramref name="prompt"/> in <paramref name="tokens"/>.</summary>
    public static AnswerTokens[] Locate(IScoringModel model, int[] tokens, PromptText prompt, string templateName)
    {
        var offsets = Offsets(model, tokens, prompt.Text);
        int ByteOffset(int chars) => Encoding.UTF8.GetByteCount(prompt.Text.AsSpan(0, chars));
        var skip = tokens.Length > 0 && model.BosToken == tokens[0] ? 1 : 0;
        var startIndex = new Dictionary<int, int>();
        for (var i = tokens.Length - 1; i >= skip; i--)
            if (model.PieceBytes(tokens[i]).Length > 0) startIndex[offsets[i]] = i;
        var result = new AnswerTokens[prompt.AnswerStarts.Count];
        for (var e = 0; e < result.Length; e++)
        {
            if (!startIndex.TryGetValue(ByteOffset(prompt.AnswerStarts[e]), out var first) || first == 0)
                throw new NotSupportedException(
                    $"with template '{templateName}' the tokenizer merges the start of answer {e + 1} with the text before it, so it cannot be scored on its own; try another Template").Naming("Template");
            if (!startIndex.TryGetValue(ByteOffset(prompt.AnswerEnds[e]), out var close))
                throw new NotSupportedException(
                    $"with template '{templateName}' the tokenizer merges the end of answer {e + 1} with its closing text, so the answer has no token boundary; try another Template").Naming("Template");
            var informative = first;
            while (informative < close - 1 && string.IsNullOrWhiteSpace(model.Piece(tokens[informative]))) informative++;
            result[e] = new AnswerTokens(first, close, informative);
            // Every answer is scored with the same closing unit, or the last example (or any other) would be charged
            // for a different token than the rest and the curve would bend where the model did nothing.
            if (tokens[close] != tokens[result[0].CloseToken])
                throw new NotSupportedException(
                    $"with template '{templateName}' the tokenizer closes answer {e + 1} with {Quote(model.Piece(tokens[close]))} but answer 1 with {Quote(model.Piece(tokens[result[0].CloseToken]))}, so their surprisals would not be comparable; try another Template").Naming("Template");
        }
        return result;
    }
}
