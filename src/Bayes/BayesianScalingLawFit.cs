namespace Probing.Bayes;

/// <summary>A least-squares fit of <see cref="BayesianScalingLaw"/> to an NLL-by-shots curve.</summary>
/// <param name="Law">The fitted law.</param>
/// <param name="Rmse">Root-mean-square NLL error at the fitted points (nats).</param>
public sealed record BayesianScalingLawFit(BayesianScalingLaw Law, double Rmse);
