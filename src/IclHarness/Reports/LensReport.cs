using System.Globalization;
using System.Text;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Reports;

/// <summary>
/// The logit lens over a whole prompt: every layer's residual (<c>l_out-N</c>) at every position read
/// through the final norm and unembedding, with the top tokens per cell and the probability each layer
/// gives the model's final prediction (the top token of llama.cpp's own logits at the last position).
/// The prompt streams through llama.cpp one llama_decode call at a time, so neither the residuals nor the
/// lens logits held at once grow with the prompt.
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
    /// Streams <paramref name="tokens"/> through the model one llama_decode call (the context's n_batch tokens) at a
    /// time on sequence 0, capturing every layer at that call's positions only, and reads the lens block by block
    /// (<see cref="LogitBlockBytes"/>), keeping per layer and position only the top <paramref name="topK"/> tokens and
    /// the probability of the final prediction. The residuals held at once are one call's [layer, n_batch, d_model],
    /// whatever the prompt length; the numbers are those of one <see cref="LlamaContext.Evaluate(IReadOnlyList{int}, EvaluationOptions?)"/>
    /// of the whole prompt on the same context, which cuts it into the same calls.
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
        if (tokens.Count == 0) throw new ArgumentException("empty prompt: there are no tokens to evaluate; pass a non-empty prompt.");
        if (tokens.Count > context.ContextSize)
            throw new ArgumentException($"the prompt is {tokens.Count} tokens long but the context holds {context.ContextSize}; shorten the prompt or raise the context size.");
        var model = context.Model;
        var layers = model.Info.LayerCount;
        var positions = tokens.Count;
        // One chunk is one llama_decode call: Evaluate cuts a sequence into calls of n_batch tokens and each call into
        // ubatches of n_ubatch, so chunks of n_batch starting at multiples of n_batch give llama.cpp exactly the
        // calls, ubatches and KV-cache cells of one Evaluate of the whole prompt, and so the same numbers.
        var chunk = context.BatchSize;
        var lastStart = (positions - 1) / chunk * chunk;
        // The p(final) column needs the final prediction, known only once the last chunk is decoded, and a cell's
        // logit of it needs that cell's residual. Keeping every residual until then is the O(layers × tokens × d_model)
        // this method exists to avoid (1.1 GB for an 8B model at 2048 tokens), and keeping per cell anything smaller
        // cannot give the logit of a token chosen later. So the chunks before the last are decoded twice: first
        // without the lens, to reach the last chunk, whose decode (with the lens) gives the final prediction; then
        // again from position 0 with the lens. The extra cost is a decode of all but the last chunk without the lens
        // or the LM head (none when the prompt fits one call); the lens itself runs once per cell.
        var streamed = new Streamed(layers, positions, topK, lens.VocabularySize, Math.Min(blockRows, Math.Min(chunk, positions)));
        for (var start = 0; start < lastStart; start += chunk)
            streamed.Decode(context, tokens, start, chunk, withLens: false);
        var modelTop = streamed.LensWithFinal(context, lens, tokens, lastStart, positions - lastStart);
        for (var start = 0; start < lastStart; start += chunk)
        {
            // A call's capture (n_layer × n_batch × d_model floats, on the large object heap) is garbage once read, but
            // the GC sweeps that heap only in gen2 collections, which its budget let wait until several captures had
            // piled up (190 MB of committed heap at 4,000 tokens on the 128k bench model, more than the whole prompt's
            // 131 MB of residuals). Collecting before each capture keeps one; it costs milliseconds against a decode.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
            streamed.Lens(context, lens, tokens, start, chunk, modelTop[0].Id);
        }
        var pieces = tokens.Select(t => new TokenPiece(t, TokenText.Readable(model, t))).ToArray();
        return new LensReport(pieces, streamed.Top, streamed.Probability, modelTop)
        {
            LargestCapturePositions = streamed.LargestCapturePositions,
            DecodedTokens = streamed.DecodedTokens,
        };
    }

    /// <summary>Most positions of residuals one decode of <see cref="Compute(LlamaContext, LogitLens, IReadOnlyList{int}, int)"/> captured (at most n_batch).</summary>
    internal int LargestCapturePositions { get; private init; }

    /// <summary>Tokens the computation decoded: the prompt, plus all but its last chunk a second time.</summary>
    internal int DecodedTokens { get; private init; }

    // What the report keeps while the chunks stream through: the cells filled so far and the reused logits block.
    private sealed class Streamed(int layers, int positions, int topK, int vocabulary, int blockRows)
    {
        private readonly float[] _logits = new float[(long)blockRows * vocabulary]; // [block rows, d_vocab], reused

        public TopToken[][][] Top { get; } = Enumerable.Range(0, layers).Select(_ => new TopToken[positions][]).ToArray(); // [layer][pos][k]
        public double[,] Probability { get; } = new double[layers, positions]; // [layer, pos]
        public int LargestCapturePositions { get; private set; }
        public int DecodedTokens { get; private set; }

        /// <summary>
        /// Decodes tokens [start, start + count) on sequence 0 after its cached prefix of <paramref name="start"/> tokens.
        /// With the lens every layer is captured at every position of the chunk (every row becomes an output row, as
        /// in a single Evaluate with the capture). Without it, every layer is still captured, at the last position of
        /// each ubatch only: llama.cpp's scheduler then cuts the ubatch graphs at the same l_out nodes as with the lens,
        /// so the KV cells the next chunk reads are computed the same way even on a backend that fuses ops across them.
        /// </summary>
        public SequenceEvaluation Decode(LlamaContext context, IReadOnlyList<int> tokens, int start, int count, bool withLens)
        {
            var ubatch = context.MicroBatchSize;
            IReadOnlyList<int>? captured = withLens ? null
                : Enumerable.Range(0, (count + ubatch - 1) / ubatch).Select(u => Math.Min(count, (u + 1) * ubatch) - 1).ToArray();
            var slice = new int[count];
            for (var i = 0; i < count; i++) slice[i] = tokens[start + i];
            var input = new SequenceInput(slice, SequenceId: 0, StartPosition: start);
            // Capturing every position makes every row an output row anyway; AllPositions = false spares the
            // per-row next-token log-softmax nobody reads here.
            var options = new EvaluationOptions { Capture = CaptureRequest.AllLayers(Top.Length, captured), AllPositions = false };
            var evaluation = context.Evaluate([input], options)[0];
            var capture = evaluation.Capture!;
            if (withLens && !capture.Positions.SequenceEqual(Enumerable.Range(0, count)))
                throw new InvalidOperationException("the lens expects the capture's position slots in prompt order.");
            LargestCapturePositions = Math.Max(LargestCapturePositions, capture.Positions.Length);
            DecodedTokens += count;
            return evaluation;
        }

        /// <summary>Decodes the last chunk with the lens; returns llama.cpp's own top tokens after it, the first being the final prediction.</summary>
        public TopToken[] LensWithFinal(LlamaContext context, LogitLens lens, IReadOnlyList<int> tokens, int start, int count)
        {
            var evaluation = Decode(context, tokens, start, count, withLens: true);
            var modelTop = LogSoftmax.TopK(evaluation.LastLogits, topK, LogSoftmax.LogSumExp(evaluation.LastLogits));
            Read(lens, evaluation.Capture!, start, modelTop[0].Id);
            return modelTop;
        }

        /// <summary>Decodes a chunk with the lens and fills its cells; its capture is garbage on return.</summary>
        public void Lens(LlamaContext context, LogitLens lens, IReadOnlyList<int> tokens, int start, int count, int final) =>
            Read(lens, Decode(context, tokens, start, count, withLens: true).Capture!, start, final);

        // The lens of every layer at the chunk's positions, a block of rows at a time; fills cells [start, start + rows).
        private void Read(LogitLens lens, ResidualCapture capture, int start, int final)
        {
            var rowsInChunk = capture.Positions.Length;
            var d = capture.EmbeddingSize;
            var vocab = lens.VocabularySize;
            var blockRows = _logits.Length / vocab;
            for (var layer = 0; layer < Top.Length; layer++)
            {
                var residuals = capture.Residuals.AsSpan(capture.LayerSlot(layer) * rowsInChunk * d, rowsInChunk * d); // [chunk pos, d_model]
                var cells = Top[layer];
                for (var first = 0; first < rowsInChunk; first += blockRows)
                {
                    var rows = Math.Min(blockRows, rowsInChunk - first);
                    lens.Logits(residuals.Slice(first * d, rows * d), rows, _logits); // [rows, d_vocab]
                    var l = layer;
                    var offset = start + first;
                    Parallel.For(0, rows, r =>
                    {
                        var row = _logits.AsSpan(r * vocab, vocab);
                        var logZ = LogSoftmax.LogSumExp(row);
                        cells[offset + r] = LogSoftmax.TopK(row, topK, logZ);
                        Probability[l, offset + r] = Math.Exp(row[final] - logZ);
                    });
                }
            }
        }
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
