namespace Probing.IclHarness.Llama;

/// <summary>
/// Turns llama.cpp's output logits into per-sequence results after each llama_decode: next-token
/// log-probs (log-softmax in double), top-k, and the last position's logits.
/// </summary>
internal sealed unsafe class OutputCollector
{
    private readonly int _vocab;
    private readonly IReadOnlyList<SequenceInput> _inputs;
    private readonly EvaluationOptions _options;
    private readonly double[][] _nextLogProbs;
    private readonly int[][] _nextRanks;
    private readonly TopToken[][][]? _top;
    private readonly float[][] _lastLogits;
    private readonly double[] _lastLogSumExp;
    private readonly bool[][] _isOutput;

    public OutputCollector(int vocab, IReadOnlyList<SequenceInput> inputs, EvaluationOptions options)
    {
        _vocab = vocab;
        _inputs = inputs;
        _options = options;
        _nextLogProbs = inputs.Select(NewLogProbs).ToArray();
        _nextRanks = _nextLogProbs.Select(lp => new int[lp.Length]).ToArray();
        _isOutput = inputs.Select(i => new bool[i.Tokens.Count]).ToArray();
        _top = options.TopK > 0 ? inputs.Select(i => new TopToken[i.Tokens.Count][]).ToArray() : null;
        _lastLogits = new float[inputs.Count][];
        _lastLogSumExp = new double[inputs.Count];
    }

    /// <summary>Reads every output row of the decoded chunk (<paramref name="logitsOf"/> wraps llama_get_logits_ith).</summary>
    public void Collect(BatchLayout.Chunk chunk, Func<int, nint> logitsOf)
    {
        var rows = new List<(int Batch, nint Logits)>();
        for (var i = 0; i < chunk.Count; i++)
        {
            if (!chunk.Token(i).Output) continue;
            var pointer = logitsOf(i);
            if (pointer == 0) throw new InvalidOperationException($"llama.cpp returned no logits for batch row {i}.");
            rows.Add((i, pointer));
        }
        Parallel.For(0, rows.Count, r =>
        {
            var (batch, pointer) = rows[r];
            var logits = new ReadOnlySpan<float>((float*)pointer, _vocab);
            var (input, index) = chunk.Origin(batch);
            var tokens = _inputs[input].Tokens;
            _isOutput[input][index] = true;
            double logZ;
            var argMax = -1;
            if (index < _nextLogProbs[input].Length)
            {
                // Rank, argmax and ln Σ exp of a scored row in two passes over it (LogSoftmax.Statistics).
                var next = tokens[index + 1];
                var statistics = LogSoftmax.Statistics(logits, next);
                logZ = statistics.LogSumExp;
                argMax = statistics.ArgMax;
                _nextLogProbs[input][index] = logits[next] - logZ;
                _nextRanks[input][index] = statistics.Rank;
            }
            else logZ = LogSoftmax.LogSumExp(logits);
            if (_top is not null)
                _top[input][index] = _options.TopK == 1 && argMax >= 0 ? [new TopToken(argMax, logits[argMax] - logZ)] : LogSoftmax.TopK(logits, _options.TopK, logZ);
            if (index == tokens.Count - 1)
            {
                // Only the raw row is copied; SequenceEvaluation.LastLogProbs normalizes it when someone reads it.
                _lastLogits[input] = logits.ToArray();
                _lastLogSumExp[input] = logZ;
            }
        });
    }

    public IReadOnlyList<SequenceEvaluation> Results(ResidualCapture?[] captures) =>
        _inputs.Select((input, s) => new SequenceEvaluation(input, _nextLogProbs[s], _nextRanks[s], _top?[s], _lastLogits[s], _lastLogSumExp[s], captures[s],
            Enumerable.Range(0, _isOutput[s].Length).Where(i => _isOutput[s][i]).ToArray())).ToArray();

    /// <summary>
    /// [n-1] log-probs: NaN until filled where the sequence chose its output positions (rows without logits stay
    /// NaN), zeros filled everywhere with AllPositions, and empty when only the last position has logits.
    /// </summary>
    private double[] NewLogProbs(SequenceInput input)
    {
        if (input.OutputPositions is not null)
        {
            var values = new double[input.Tokens.Count - 1];
            Array.Fill(values, double.NaN);
            return values;
        }
        return new double[_options.AllPositions ? input.Tokens.Count - 1 : 0];
    }
}
