using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Scoring;

/// <summary>
/// <see cref="IScoringModel"/> on llama.cpp: a batched teacher-forced decode with top-1 and the next token's rank
/// per scored position (greedy check, rank), and, for the logit lens, <c>l_out-N</c> of every layer unembedded by
/// the binding's <see cref="LogitLens"/>.
/// </summary>
internal sealed class LlamaScoringModel : IScoringModel, IDisposable
{
    private readonly LlamaModel _model;
    private readonly bool _ownsModel;
    private readonly LogitLens? _lens;
    private readonly string? _noLens;
    private readonly int _threads;
    private LlamaContext? _context;

    public LlamaScoringModel(LlamaModel model, bool ownsModel, int threads = 0, int contextLength = 0)
    {
        _model = model;
        _ownsModel = ownsModel;
        _threads = threads;
        // Scoring, ranks, the sweep and patching read llama.cpp's own logits; only the lens needs the final norm, so an
        // architecture the lens does not know still runs without it.
        if (LogitLens.Supports(model.Info.Architecture)) _lens = LogitLens.Create(model, threads);
        else _noLens = $"the logit lens does not know the final norm of architecture '{model.Info.Architecture}'; pass Lens = false to measure without it";
        // llama.cpp reads context_length as int32: 0xFFFFFFFF arrives as −1. A non-positive value is "not declared",
        // bounded by MaxUndeclaredContext rather than reported as a context of −1 tokens.
        var trained = model.Info.TrainingContextLength > 0 ? model.Info.TrainingContextLength : MaxUndeclaredContext;
        ContextLength = contextLength > 0 ? Math.Min(contextLength, trained) : trained;
        KvBytesPerCell = KvBytes(model);
        if (_lens is not null && _lens.VocabularySize != model.Info.VocabularySize)
            throw new InvalidDataException($"'{model.Info.Path}' has an unembedding for {_lens.VocabularySize} tokens but a vocabulary of {model.Info.VocabularySize}; the file is inconsistent");
    }

    /// <summary>The context used when a model declares none (or one llama.cpp reads as non-positive).</summary>
    public const int MaxUndeclaredContext = 1 << 17;

    public LlamaModel Model => _model;

    public int LayerCount => _model.Info.LayerCount;

    public int VocabSize => _model.Info.VocabularySize;

    public int ContextLength { get; }

    public int[] Tokenize(string text) => _model.Tokenize(text, addSpecial: true);

    public int? BosToken => _model.AddsBos ? _model.BosToken : null;

    public int? VocabularyBosToken => _model.BosToken >= 0 ? _model.BosToken : null;

    public string Piece(int token) => _model.TokenToPiece(token);

    public byte[] PieceBytes(int token) => _model.TokenToPieceBytes(token);

    /// <summary>A context with at least <paramref name="cells"/> KV cells per sequence and <paramref name="sequences"/> sequences, reused when big enough.</summary>
    internal LlamaContext Context(int cells, int sequences, int microBatch = 0)
    {
        if (_context is { } c && c.ContextSize >= cells && c.SequenceCount >= sequences && c.MicroBatchSize >= microBatch) return c;
        var old = _context is { } o ? (o.ContextSize, o.SequenceCount, o.MicroBatchSize) : (0, 0, 0);
        _context?.Dispose();
        _context = null; // a failed creation below must not leave a disposed context to be reused
        var (size, count, ubatch) = ContextShape(old, cells, sequences, Math.Max(microBatch, new LlamaContextOptions().MicroBatchSize), KvBytesPerCell);
        _context = _model.CreateContext(new LlamaContextOptions { ContextSize = size, SequenceCount = count, MicroBatchSize = ubatch, Threads = _threads });
        return _context;
    }

    /// <summary>
    /// The shape of a context that replaces one of shape <paramref name="old"/> (zeros: none) for a call needing
    /// <paramref name="cells"/> cells in each of <paramref name="sequences"/> sequences. It keeps the old shape's larger
    /// sides, so calls that alternate (a long greedy prefix, then a batch of short contexts) do not recreate it each
    /// time; but cells and sequences grow separately and multiply (n_ctx = cells × sequences), so when the union would
    /// hold more than <see cref="ReusedKvBytes"/> and more than the call needs, the context is sized for the call alone.
    /// </summary>
    internal static (int Cells, int Sequences, int MicroBatch) ContextShape(
        (int Cells, int Sequences, int MicroBatch) old, int cells, int sequences, int microBatch, long kvBytesPerCell)
    {
        var size = Math.Max(256, (cells + 255) / 256 * 256);
        var count = Math.Max(1, sequences);
        var union = (Cells: Math.Max(size, old.Cells), Sequences: Math.Max(count, old.Sequences));
        var needed = (long)size * count * kvBytesPerCell;
        var kept = (long)union.Cells * union.Sequences * kvBytesPerCell;
        return kept <= Math.Max(ReusedKvBytes, needed)
            ? (union.Cells, union.Sequences, Math.Max(microBatch, old.MicroBatch))
            : (size, count, microBatch);
    }

    /// <summary>KV-cache bytes a reused context may hold beyond what its current call needs.</summary>
    internal const long ReusedKvBytes = 1L << 30;

    /// <summary>KV-cache bytes of one cell: K and V of every layer in F16.</summary>
    internal long KvBytesPerCell { get; }

    /// <summary>
    /// K and V widths summed over the layers, from the projections' output widths (<c>blk.N.attn_k.weight</c> and
    /// <c>attn_v</c>: n_embd × n_head_kv / n_head for grouped-query models), times 2 bytes (F16). A layer whose
    /// projections are fused or absent counts n_embd each, an upper bound.
    /// </summary>
    private static long KvBytes(LlamaModel model)
    {
        long width = 0;
        for (var layer = 0; layer < model.Info.LayerCount; layer++)
            foreach (var name in new[] { "attn_k", "attn_v" })
                width += model.Gguf.FindTensor($"blk.{layer}.{name}.weight") is { Dimensions: [_, var outputs] } ? (long)outputs : model.Info.EmbeddingSize;
        return 2 * Math.Max(1, width);
    }

    /// <summary>The lens, or a <see cref="NotSupportedException"/> that says why there is none and what still runs.</summary>
    private LogitLens Lens() => _lens ?? throw new NotSupportedException(_noLens).Naming("Lens = false");

    /// <summary>Whether the logit lens knows this model's architecture.</summary>
    public bool HasLens => _lens is not null;

    public IReadOnlyList<EvalResult> Evaluate(IReadOnlyList<EvalRequest> requests, bool lens, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(requests);
        cancellation.ThrowIfCancellationRequested();
        if (lens) Lens();
        var results = new EvalResult[requests.Count];
        if (requests.Count == 0) return results;
        var context = Context(requests.Max(r => r.Tokens.Length), requests.Count);
        // Without the lens nothing is captured: log-probs, argmax and ranks come from llama.cpp's own logits.
        var capture = lens ? CaptureRequest.AllLayers(LayerCount, null, resultNorm: false) : null;
        foreach (var group in UbatchGroups(requests, Math.Min(context.MicroBatchSize, context.BatchSize)))
        {
            cancellation.ThrowIfCancellationRequested();
            // Each sequence has its own KV stream, laid out as if it were decoded alone.
            context.ClearMemory();
            // Each sequence asks for logits only where it is scored or read (the LM head is most of the cost
            // elsewhere); a capture without positions then captures exactly those output rows.
            var inputs = group.Select((r, i) => new SequenceInput(requests[r].Tokens, i)
            {
                OutputPositions = requests[r].ScoredPositions.Concat(requests[r].DistributionPositions).Distinct().Order().ToArray(),
            }).ToList();
            var evaluations = context.Evaluate(inputs, new EvaluationOptions { TopK = 1, Capture = capture, AllPositions = false });
            for (var i = 0; i < group.Count; i++)
            {
                var request = requests[group[i]];
                var evaluation = evaluations[i];
                var scores = request.ScoredPositions.Select(pos =>
                    new PositionScore(pos, evaluation.NextTokenLogProbs[pos], evaluation.TopTokens![pos][0].Id, evaluation.NextTokenRanks[pos])).ToArray();
                results[group[i]] = new EvalResult(scores, lens ? LensResiduals(request, evaluation.Capture!) : null);
            }
        }
        return results;
    }

    public void LensLogits(ReadOnlySpan<float> residuals, int rows, float[] logits) => Lens().Logits(residuals, rows, logits);

    /// <summary>
    /// Requests of equal length packed into decodes of at most <paramref name="ubatch"/> tokens (a longer request
    /// goes alone). llama.cpp cuts a decode of several sequences into ubatches with the same number of tokens from
    /// each, so sequences of unequal length leave tails of a few rows, and products over so few rows round
    /// differently from the same rows in a sequence decoded alone (measured: up to 0.03 bits per answer at
    /// --batch 16 on the bundled model). Equal lengths within one ubatch give every sequence exactly the rows of a
    /// decode of it alone, so --batch changes speed only.
    /// </summary>
    internal static List<List<int>> UbatchGroups(IReadOnlyList<EvalRequest> requests, int ubatch) =>
        UbatchGroups(requests.Select(r => r.Tokens.Length).ToList(), ubatch, int.MaxValue);

    /// <summary>Indices of <paramref name="lengths"/> grouped as above, at most <paramref name="maxSequences"/> to a decode.</summary>
    internal static List<List<int>> UbatchGroups(IReadOnlyList<int> lengths, int ubatch, int maxSequences)
    {
        var groups = new List<List<int>>();
        foreach (var sameLength in Enumerable.Range(0, lengths.Count).GroupBy(r => lengths[r]))
        {
            var current = new List<int>();
            foreach (var r in sameLength)
            {
                if (current.Count > 0 && ((current.Count + 1) * sameLength.Key > ubatch || current.Count == maxSequences))
                {
                    groups.Add(current);
                    current = [];
                }
                current.Add(r);
            }
            groups.Add(current);
        }
        return groups;
    }

    /// <summary>[layer, distribution position, d_model]: every block's residual at the request's distribution positions.</summary>
    private float[] LensResiduals(EvalRequest request, ResidualCapture cap)
    {
        var positions = request.DistributionPositions;
        var d = cap.EmbeddingSize;
        var residuals = new float[LayerCount * positions.Length * d]; // [layer, positions, d_model]
        for (var layer = 0; layer < LayerCount; layer++)
            for (var i = 0; i < positions.Length; i++)
                cap.Residual(layer, positions[i]).CopyTo(residuals.AsSpan((layer * positions.Length + i) * d, d));
        return residuals;
    }

    public IReadOnlyList<GreedyResult> GreedyFromPrefix(int[] prefix, IReadOnlyList<int[]> suffixes, int maxNewTokens, Func<int, bool> isStop, CancellationToken cancellation)
    {
        var longest = suffixes.Count == 0 ? 0 : suffixes.Max(s => s.Length);
        var slots = Math.Min(16, suffixes.Count) + 1;
        var context = Context(prefix.Length + longest + maxNewTokens, slots);
        var results = new GreedyResult[suffixes.Count];
        var lastOnly = new EvaluationOptions { AllPositions = false };
        for (var start = 0; start < suffixes.Count; start += slots - 1)
        {
            cancellation.ThrowIfCancellationRequested();
            var group = Enumerable.Range(start, Math.Min(slots - 1, suffixes.Count - start)).ToArray();
            // The prefix's KV cache is decoded into sequence 0 and copied into sequence j + 1 for suffix j; each
            // suffix's first greedy token comes from that one decode of the group.
            context.ClearMemory();
            var first = context.EvaluateContinuations(prefix, group.Select(g => (IReadOnlyList<int>)suffixes[g]).ToList(), lastOnly);
            var generated = group.Select(_ => new List<int>()).ToArray();
            var logProbs = group.Select(_ => new List<double>()).ToArray();
            var length = group.Select(g => prefix.Length + suffixes[g].Length).ToArray();
            var evaluations = first.Select(c => c.Evaluation).ToList();
            var active = Enumerable.Range(0, group.Length).ToList();
            while (true)
            {
                var next = new List<int>();
                var inputs = new List<SequenceInput>();
                for (var i = 0; i < active.Count; i++)
                {
                    var j = active[i];
                    var lp = evaluations[i].LastLogProbs;
                    var token = ArgMax(lp);
                    generated[j].Add(token);
                    logProbs[j].Add(lp[token]);
                    if (isStop(token) || generated[j].Count >= maxNewTokens || length[j] + 1 > ContextLength) continue;
                    inputs.Add(new SequenceInput([token], evaluations[i].Input.SequenceId, length[j]));
                    length[j]++;
                    next.Add(j);
                }
                active = next;
                if (active.Count == 0) break;
                evaluations = context.Evaluate(inputs, lastOnly).ToList();
            }
            for (var j = 0; j < group.Length; j++) results[group[j]] = new GreedyResult([.. generated[j]], [.. logProbs[j]]);
        }
        return results;
    }

    public float[] CaptureResidual(int[] tokens, int layer, int position)
    {
        var context = Context(tokens.Length, 1);
        context.ClearMemory();
        var evaluation = context.Evaluate([new SequenceInput(tokens, 0)], new EvaluationOptions { Capture = new CaptureRequest([layer], [position]) })[0];
        return evaluation.Capture!.Residual(layer, position).ToArray();
    }

    public double[] EvaluatePatched(int[] tokens, ResidualPatch? patch)
    {
        var context = Context(tokens.Length, 1);
        context.ClearMemory();
        var options = patch is null ? EvaluationOptions.Default : new EvaluationOptions { Patches = [patch with { SequenceId = 0 }] };
        return context.Evaluate([new SequenceInput(tokens, 0)], options)[0].NextTokenLogProbs;
    }

    public float[][] CaptureResiduals(int[] tokens, int layer, int[] positions)
    {
        var context = Context(tokens.Length, 1);
        context.ClearMemory();
        var evaluation = context.Evaluate([new SequenceInput(tokens, 0)], new EvaluationOptions { Capture = new CaptureRequest([layer], positions) })[0];
        return positions.Select(p => evaluation.Capture!.Residual(layer, p).ToArray()).ToArray();
    }

    /// <summary>KV cells one batched patched decode may always hold across its sequences, whatever the model's size.</summary>
    internal const int MaxPatchedCells = 8192;

    /// <summary>Memory a batched patched decode may spend on its KV cache, and on the LM head rows of its ubatch graph.</summary>
    internal const long PatchedKvBytes = 1L << 30, PatchedLogitBytes = 512L << 20;

    /// <summary>The most tokens a patched decode's ubatch takes (llama.cpp reserves a graph this wide).</summary>
    internal const int MaxPatchedMicroBatch = 32768;

    /// <summary>llama_decode calls made by <see cref="EvaluatePatchedBatch"/> so far (the grid's cost, for tests and the docs).</summary>
    internal int PatchedDecodes { get; private set; }

    /// <summary>
    /// The ubatch and the most sequences of one batched patched decode: as wide as the memory bounds allow, so a
    /// grid layer's hundreds of cells take a few decodes rather than one per 512 tokens. The ubatch graph reserves
    /// an LM head row per token (n_vocab floats each): within <see cref="PatchedLogitBytes"/>, never below llama.cpp's
    /// 512. The KV cache holds every sequence's cells (2·n_layer·n_embd F16 values each at most): within
    /// <see cref="PatchedKvBytes"/>, never below <see cref="MaxPatchedCells"/>; at most 256 sequences (n_seq_max).
    /// </summary>
    internal (int MicroBatch, int MaxSequences) PatchedPacking(int cellsPerSequence, int totalTokens)
    {
        var byVocabulary = PatchedLogitBytes / (4L * Math.Max(1, VocabSize));
        var microBatch = (int)Math.Clamp(Math.Min(byVocabulary, totalTokens), 512, MaxPatchedMicroBatch);
        var byKv = PatchedKvBytes / Math.Max(1, (long)cellsPerSequence * KvBytesPerCell);
        var maxSequences = (int)Math.Clamp(Math.Max(byKv, MaxPatchedCells / cellsPerSequence), 1, 256);
        return (microBatch, maxSequences);
    }

    public IReadOnlyList<double[]> EvaluatePatchedBatch(IReadOnlyList<PatchedRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        // Packed as the ICL batches are (UbatchGroups: one length per decode, within one ubatch), so every candidate
        // decodes bit-identically to its own decode; the ubatch and the KV cells follow PatchedPacking's bounds.
        var longest = requests.Max(r => r.Tokens.Length);
        var cells = Math.Max(256, (longest + 255) / 256 * 256);
        var (microBatch, maxSequences) = PatchedPacking(cells, requests.Sum(r => r.Tokens.Length));
        var results = new double[requests.Count][];
        var groups = UbatchGroups(requests.Select(r => r.Tokens.Length).ToList(), microBatch, maxSequences);
        foreach (var indices in groups)
        {
            var group = indices.Select(i => requests[i]).ToList();
            var context = Context(longest, group.Count, microBatch);
            // One KV stream per sequence: each row decodes as it would alone.
            context.ClearMemory();
            // Logits only where the candidate is scored: the LM head at every other row is most of a small model's cost.
            var inputs = group.Select((r, i) => new SequenceInput(r.Tokens, i) { OutputPositions = r.ScoredPositions }).ToList();
            var patches = group.Select((r, i) => r.Patch is { } patch ? patch with { SequenceId = i } : null).OfType<ResidualPatch>().ToList();
            var evaluations = context.Evaluate(inputs, new EvaluationOptions { Patches = patches, AllPositions = false });
            PatchedDecodes++;
            for (var i = 0; i < group.Count; i++)
                results[indices[i]] = group[i].ScoredPositions.Select(p => evaluations[i].NextTokenLogProbs[p]).ToArray();
        }
        return results;
    }

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    public void Dispose()
    {
        _context?.Dispose();
        if (_ownsModel) _model.Dispose();
    }
}
