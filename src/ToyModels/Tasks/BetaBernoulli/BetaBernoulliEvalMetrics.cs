namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Evaluation metrics of a beta-Bernoulli model on one batch, in nats. The JSON keys are
/// <c>loss_nats</c>, <c>bayes_loss_nats</c>, <c>known_p_floor_nats</c> (the floor, not the optimum) and
/// <c>kl_to_bayes_nats</c>, plus per-position arrays.
/// </summary>
/// <param name="LossNats">Mean cross-entropy of the model on the batch's targets.</param>
/// <param name="BayesLossNats">The exact expected loss of the Bayes-optimal predictor over the same positions.</param>
/// <param name="KnownPFloorNats">E[H(p)], the loss of a predictor told p: a floor below the Bayes loss.</param>
/// <param name="KlToBayesNats">Mean KL(Bayes predictive ‖ model predictive) over the batch's predicted positions.</param>
/// <param name="LossByPosition">Model loss per input position (NaN where nothing is predicted).</param>
/// <param name="BayesLossByPosition">Exact Bayes loss per input position.</param>
/// <param name="KlToBayesByPosition">KL to the Bayes predictive per input position.</param>
public sealed record BetaBernoulliEvalMetrics(
    double LossNats,
    double BayesLossNats,
    double KnownPFloorNats,
    double KlToBayesNats,
    IReadOnlyList<double> LossByPosition,
    IReadOnlyList<double> BayesLossByPosition,
    IReadOnlyList<double> KlToBayesByPosition)
{
    /// <summary>The metrics under their eval-JSON keys; per-position arrays use NaN → null-free finite values only.</summary>
    public IReadOnlyDictionary<string, object> ToJsonDictionary() => new Dictionary<string, object>
    {
        ["loss_nats"] = LossNats,
        ["bayes_loss_nats"] = BayesLossNats,
        ["known_p_floor_nats"] = KnownPFloorNats,
        ["kl_to_bayes_nats"] = KlToBayesNats,
        ["loss_nats_by_position"] = Finite(LossByPosition),
        ["bayes_loss_nats_by_position"] = Finite(BayesLossByPosition),
        ["kl_to_bayes_nats_by_position"] = Finite(KlToBayesByPosition),
    };

    /// <summary>The scalar metrics only, for a training log line.</summary>
    public IReadOnlyDictionary<string, double> Scalars() => new Dictionary<string, double>
    {
        ["loss_nats"] = LossNats,
        ["bayes_loss_nats"] = BayesLossNats,
        ["known_p_floor_nats"] = KnownPFloorNats,
        ["kl_to_bayes_nats"] = KlToBayesNats,
    };

    private static double[] Finite(IReadOnlyList<double> values) => values.Where(v => !double.IsNaN(v)).ToArray();
}
