namespace Probing.Bayes;

/// <summary>
/// The Bayesian scaling law for in-context learning (Arora, Jurafsky, Potts and Goodman 2024). A learner
/// holds M latent tasks with prior ρ_m; an example of the target task has probability P_m under task m; the
/// learner updates as if each example counted K times (K is the ICL efficiency). After n examples the
/// posterior is ∝ ρ_m P_m^{K n} and the probability of the next correct answer is Σ_m posterior_m · P_m,
/// so the predicted negative log-likelihood is NLL(n) = −ln(Σ_m ρ_m P_m^{K n + 1} / Σ_m ρ_m P_m^{K n}).
/// </summary>
/// <param name="Priors">ρ_m, non-negative and summing to 1.</param>
/// <param name="Probabilities">P_m in (0, 1].</param>
/// <param name="K">ICL efficiency K &gt; 0.</param>
public sealed record BayesianScalingLaw(double[] Priors, double[] Probabilities, double K)
{
    /// <summary>The probability of the correct answer after <paramref name="shots"/> examples.</summary>
    public double PredictProbability(double shots) => Math.Exp(-PredictNll(shots));

    /// <summary>The predicted NLL (nats) of the answer after <paramref name="shots"/> examples.</summary>
    /// <exception cref="ArgumentException">The parameters are invalid or shots &lt; 0.</exception>
    public double PredictNll(double shots)
    {
        Validate();
        if (!(shots >= 0)) throw new ArgumentException($"the number of shots must be ≥ 0 (got {shots}).");
        var numerator = new double[Priors.Length];
        var denominator = new double[Priors.Length];
        for (var m = 0; m < Priors.Length; m++)
        {
            var logPrior = Priors[m] > 0 ? Math.Log(Priors[m]) : double.NegativeInfinity;
            var logP = Math.Log(Probabilities[m]);
            denominator[m] = logPrior + K * shots * logP;
            numerator[m] = denominator[m] + logP;
        }

        return SpecialFunctions.LogSumExp(denominator) - SpecialFunctions.LogSumExp(numerator);
    }

    private void Validate()
    {
        if (Priors is null || Probabilities is null || Priors.Length == 0 || Priors.Length != Probabilities.Length)
            throw new ArgumentException("the scaling law needs one prior and one probability per latent task.");
        if (Priors.Any(p => !(p >= 0)) || Math.Abs(Priors.Sum() - 1) > 1e-9)
            throw new ArgumentException("the task priors must be non-negative and sum to 1.");
        if (Probabilities.Any(p => !(p > 0 && p <= 1)))
            throw new ArgumentException("every task probability P_m must lie in (0, 1].");
        if (!(K > 0) || double.IsInfinity(K)) throw new ArgumentException($"the ICL efficiency K must be a positive number (got {K}).");
    }
}
