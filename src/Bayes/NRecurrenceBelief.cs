namespace Probing.Bayes;

/// <summary>
/// The n-recurrence ideal observer's output for one sequence x_0 … x_{T−1}. Row j of every per-position array
/// is the belief after seeing x_0 … x_j, so it lines up with a language model's output at position j.
/// </summary>
/// <param name="PriorPredictive">P(x_0): the distribution of the first token, before anything is seen.</param>
/// <param name="Predictive">[T][V]: row j is P(x_{j+1} | x_0 … x_j), the next-token distribution at position j (row T−1 forecasts past the end).</param>
/// <param name="LossNats">[T−1]: entry j is −ln P(x_{j+1} | x_0 … x_j), the ideal log loss of the model's prediction at position j.</param>
/// <param name="PosteriorN">[T][MaxN−MinN+1]: row j is P(n_j = MinN + k | x_0 … x_j), the period that generated x_j.</param>
/// <param name="PosteriorT">[T][V]: row j is P(t_j | x_0 … x_j), the target token of the rule that generated x_j.</param>
/// <param name="PosteriorEntropyNats">[T]: entropy of the joint posterior over (n_j, t_j) after x_0 … x_j.</param>
/// <param name="NextIsTarget">[T]: P(position j+1 is a target position | x_0 … x_j).</param>
/// <param name="LogEvidence">ln P(x_0 … x_{T−1}) under the specification (nats).</param>
public sealed record NRecurrenceBelief(
    double[] PriorPredictive,
    double[][] Predictive,
    double[] LossNats,
    double[][] PosteriorN,
    double[][] PosteriorT,
    double[] PosteriorEntropyNats,
    double[] NextIsTarget,
    double LogEvidence);
