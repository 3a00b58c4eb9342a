namespace Probing.IclHarness.Llama;

/// <summary>The teacher-forced evaluation of one sequence.</summary>
public sealed class SequenceEvaluation
{
    internal SequenceEvaluation(SequenceInput input, double[] nextTokenLogProbs, int[] nextTokenRanks, TopToken[][]? topTokens,
        float[] lastLogits, double lastLogSumExp, ResidualCapture? capture, int[] outputPositions)
    {
        OutputPositions = outputPositions;
        Input = input;
        NextTokenLogProbs = nextTokenLogProbs;
        NextTokenRanks = nextTokenRanks;
        TopTokens = topTokens;
        LastLogits = lastLogits;
        _lastLogSumExp = lastLogSumExp;
        Capture = capture;
    }

    /// <summary>The evaluated sequence.</summary>
    public SequenceInput Input { get; }

    /// <summary>
    /// [n-1]: entry i is ln p(Tokens[i+1] | everything up to Tokens[i]), the log-softmax of llama.cpp's
    /// logits computed in double precision. Empty when <see cref="EvaluationOptions.AllPositions"/> is false and
    /// the sequence chose no <see cref="SequenceInput.OutputPositions"/>; when it did, entry i is NaN unless i is
    /// in <see cref="OutputPositions"/>.
    /// </summary>
    public double[] NextTokenLogProbs { get; }

    /// <summary>
    /// Same length as <see cref="NextTokenLogProbs"/>: entry i is the rank of Tokens[i+1] among llama.cpp's logits
    /// after Tokens[i] (1 = most likely; ties with the token do not count against it), 0 where there are no logits.
    /// </summary>
    public int[] NextTokenRanks { get; }

    /// <summary>
    /// [n][k]: the k most likely tokens after each position, best first; null when TopK is 0. Entry i is null
    /// unless i is in <see cref="OutputPositions"/>.
    /// </summary>
    public TopToken[][]? TopTokens { get; }

    /// <summary>
    /// Ascending indices into the tokens at which llama.cpp computed logits: every index with
    /// <see cref="EvaluationOptions.AllPositions"/>, else the chosen <see cref="SequenceInput.OutputPositions"/>,
    /// captured and patched positions, and the last token.
    /// </summary>
    public int[] OutputPositions { get; }

    /// <summary>[n_vocab]: llama.cpp's raw logits after the last token.</summary>
    public float[] LastLogits { get; }

    private readonly double _lastLogSumExp;
    private double[]? _lastLogProbs;

    /// <summary>[n_vocab]: the log-softmax of <see cref="LastLogits"/> (double precision), computed on first use.</summary>
    public double[] LastLogProbs => _lastLogProbs ??= FullLogSoftmax();

    private double[] FullLogSoftmax()
    {
        var full = new double[LastLogits.Length];
        for (var v = 0; v < full.Length; v++) full[v] = LastLogits[v] - _lastLogSumExp;
        return full;
    }

    /// <summary>The captured residuals, when a capture was requested.</summary>
    public ResidualCapture? Capture { get; }

    /// <summary>Surprisal in nats of the tokens after the first: the negated <see cref="NextTokenLogProbs"/>.</summary>
    public double[] Surprisals() => NextTokenLogProbs.Select(lp => -lp).ToArray();
}
