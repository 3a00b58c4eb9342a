using System.Globalization;
using System.Text;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Reports;

/// <summary>
/// The logit lens over a whole prompt: every layer's residual (<c>l_out-N</c>) at every position read
/// through the final norm and unembedding, with the top tokens per cell and the probability each layer
/// gives the model's final prediction (the top token of llama.cpp's own logits at the last position).
/// </summary>
public sealed class LensReport
{
    private LensReport(IReadOnlyList<TokenPiece> tokens, TopToken[][][] top, double[,] finalTokenProbability, TopToken[] modelTop)
    {
        Tokens = tokens;
        Top = top;
        FinalTokenProbability = finalTokenProbability;
        ModelTop = modelTop;
    }

    /// <summary>The prompt's tokens with their pieces.</summary>
    public IReadOnlyList<TokenPiece> Tokens { get; }

    /// <summary>[layer][position][k]: the lens's most likely tokens, best first.</summary>
    public TopToken[][][] Top { get; }

    /// <summary>[layer, position]: the lens probability of <see cref="FinalToken"/>.</summary>
    public double[,] FinalTokenProbability { get; }

    /// <summary>llama.cpp's own top tokens after the last position.</summary>
    public TopToken[] ModelTop { get; }

    /// <summary>The model's prediction after the prompt: the top token of its real logits.</summary>
    public int FinalToken => ModelTop[0].Id;

    /// <summary>n_layer.</summary>
    public int LayerCount => Top.Length;

    /// <summary>
    /// Most bytes of lens logits held at once: <see cref="Compute(LlamaContext, LogitLens, IReadOnlyList{int}, int)"/>
    /// unembeds a block of positions of one layer at a time and keeps only what the report holds, so a 128k
    /// vocabulary costs 32 MB whatever the prompt length and layer count (the whole [layer, position, d_vocab]
    /// tensor is 0.5 MB per cell: ~45 GB for an 8B model at 2048 tokens).
    /// </summary>
    public const long LogitBlockBytes = 32L << 20;

    /// <summary>Rows of lens logits per block for a vocabulary of <paramref name="vocabularySize"/>: at least 1, at most <see cref="LogitBlockBytes"/>.</summary>
    public static int BlockRows(int vocabularySize)
    {
        if (vocabularySize < 1) throw new ArgumentException($"the vocabulary size must be at least 1, not {vocabularySize}.");
        return (int)Math.Max(1, LogitBlockBytes / (sizeof(float) * (long)vocabularySize));
    }

    /// <summary>
    /// Evaluates <paramref name="tokens"/> once with every layer captured at every position, then reads the
    /// lens block by block (<see cref="LogitBlockBytes"/>), keeping per layer and position only the top
    /// <paramref name="topK"/> tokens and the probability of the final prediction.
    /// </summary>
    public static LensReport Compute(LlamaContext context, LogitLens lens, IReadOnlyList<int> tokens, int topK) =>
        Compute(context, lens, tokens, topK, lens is null ? 1 : BlockRows(lens.VocabularySize));

    /// <summary><see cref="Compute(LlamaContext, LogitLens, IReadOnlyList{int}, int)"/> with blocks of at most <paramref name="blockRows"/> rows.</summary>
    internal static LensReport Compute(LlamaContext context, LogitLens lens, IReadOnlyList<int> tokens, int topK, int blockRows)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lens);
        ArgumentNullException.ThrowIfNull(tokens);
        if (topK < 1) throw new ArgumentException($"topK must be at least 1, not {topK}.").Naming(nameof(topK));
        if (blockRows < 1) throw new ArgumentException($"a lens block needs at least one row, not {blockRows}.");
        var model = context.Model;
        var layers = model.Info.LayerCount;
        // Capturing every position makes every row an output row anyway; AllPositions = false spares the
        // per-row next-token log-softmax nobody reads here.
        var evaluation = context.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(layers), AllPositions = false });
        var capture = evaluation.Capture!;
        if (!capture.Positions.SequenceEqual(Enumerable.Range(0, tokens.Count)))
            throw new InvalidOperationException("the lens expects the capture's position slots in prompt order.");
        var modelTop = LogSoftmax.TopK(evaluation.LastLogits, topK, LogSoftmax.LogSumExp(evaluation.LastLogits));
        var final = modelTop[0].Id;
        var positions = tokens.Count;
        var d = capture.EmbeddingSize;
        var vocab = lens.VocabularySize;
        var logits = new float[(long)Math.Min(blockRows, positions) * vocab]; // [block rows, d_vocab], reused
        var top = new TopToken[layers][][];
        var probability = new double[layers, positions];
        for (var layer = 0; layer < layers; layer++)
        {
            top[layer] = new TopToken[positions][];
            var residuals = capture.Residuals.AsSpan(capture.LayerSlot(layer) * positions * d, positions * d); // [pos, d_model]
            for (var first = 0; first < positions; first += blockRows)
            {
                var rows = Math.Min(blockRows, positions - first);
                lens.Logits(residuals.Slice(first * d, rows * d), rows, logits); // [rows, d_vocab]
                var cells = top[layer];
                var l = layer;
                Parallel.For(0, rows, r =>
                {
                    var row = logits.AsSpan(r * vocab, vocab);
                    var logZ = LogSoftmax.LogSumExp(row);
                    cells[first + r] = LogSoftmax.TopK(row, topK, logZ);
                    probability[l, first + r] = Math.Exp(row[final] - logZ);
                });
            }
        }
        var pieces = tokens.Select(t => new TokenPiece(t, TokenText.Readable(model, t))).ToArray();
        return new LensReport(pieces, top, probability, modelTop);
    }

    /// <summary>
    /// CSV, one row per layer × position × rank: <c>layer,position,input_token,rank,token_id,piece,probability,final_token_probability</c>.
    /// </summary>
    public string ToCsv(Func<int, string> pieceOf)
    {
        ArgumentNullException.ThrowIfNull(pieceOf);
        var csv = new StringBuilder("layer,position,input_token,rank,token_id,piece,probability,final_token_probability\n");
        for (var layer = 0; layer < LayerCount; layer++)
            for (var position = 0; position < Tokens.Count; position++)
                for (var rank = 0; rank < Top[layer][position].Length; rank++)
                {
                    var t = Top[layer][position][rank];
                    csv.Append(CultureInfo.InvariantCulture,
                        $"{layer},{position},{Quote(Tokens[position].Piece)},{rank + 1},{t.Id},{Quote(pieceOf(t.Id))},{Math.Exp(t.LogProb):G6},{FinalTokenProbability[layer, position]:G6}\n");
                }
        return csv.ToString();
    }

    // Control characters are escaped (a byte token can be a bare newline) so every row stays one line.
    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t").Replace("\"", "\"\"") + "\"";
}
