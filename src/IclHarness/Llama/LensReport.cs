using System.Globalization;
using System.Text;

namespace Probing.IclHarness.Llama;

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
    /// Evaluates <paramref name="tokens"/> once with every layer captured at every position, and reads the
    /// lens for all of them in one product.
    /// </summary>
    public static LensReport Compute(LlamaContext context, LogitLens lens, IReadOnlyList<int> tokens, int topK)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lens);
        if (topK < 1) throw new ArgumentException($"--top must be at least 1, not {topK}.");
        var model = context.Model;
        var layers = model.Info.LayerCount;
        var evaluation = context.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(layers) });
        var lensed = lens.Apply(evaluation.Capture!);
        var modelTop = LogSoftmax.TopK(evaluation.LastLogits, topK, LogSoftmax.LogSumExp(evaluation.LastLogits));
        var final = modelTop[0].Id;
        var top = new TopToken[layers][][];
        var probability = new double[layers, tokens.Count];
        for (var layer = 0; layer < layers; layer++)
        {
            top[layer] = new TopToken[tokens.Count][];
            for (var position = 0; position < tokens.Count; position++)
            {
                top[layer][position] = lensed.Top(layer, position, topK);
                probability[layer, position] = Math.Exp(lensed.LogProb(layer, position, final));
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
