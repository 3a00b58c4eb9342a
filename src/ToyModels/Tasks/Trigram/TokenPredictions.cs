namespace Probing.ToyModels.Tasks.Trigram;

/// <summary>
/// What a model says about the actual next token at every predicted position of a batch: position p of a
/// sequence predicts token p + 1, for p in [0, seq_len - 1).
/// </summary>
/// <param name="Size">Number of sequences.</param>
/// <param name="Positions">Predicted positions per sequence (seq_len - 1).</param>
/// <param name="LogProbCorrect">Row-major [batch, seq_len - 1]: log-probability of the actual next token.</param>
/// <param name="ArgmaxCorrect">Row-major [batch, seq_len - 1]: whether the top-1 token is the actual next token.</param>
public sealed record TokenPredictions(int Size, int Positions, double[] LogProbCorrect, bool[] ArgmaxCorrect)
{
    /// <summary>Probability of the actual next token at (batch, position).</summary>
    public double ProbCorrect(int batch, int position) => Math.Exp(LogProbCorrect[batch * Positions + position]);

    /// <summary>Whether the top-1 prediction at (batch, position) is the actual next token.</summary>
    public bool IsArgmaxCorrect(int batch, int position) => ArgmaxCorrect[batch * Positions + position];
}
