namespace Probing.Bayes;

/// <summary>
/// Fits <see cref="BayesianScalingLaw"/> to observed (shots, NLL) points by least squares on the NLL, as
/// Arora et al. (2024) do. Parameters are optimised unconstrained (priors through a softmax, P_m through a
/// logistic, K through exp) with Nelder–Mead from several deterministic starts; the best fit wins.
/// </summary>
public static class BayesianScalingLawFitter
{
    /// <summary>Fits an M-task law to the points.</summary>
    /// <param name="shots">Number of in-context examples of each point (≥ 0).</param>
    /// <param name="nll">Observed NLL (nats, ≥ 0) at each point.</param>
    /// <param name="tasks">M, the number of latent tasks (1 … 5).</param>
    /// <exception cref="ArgumentException">Mismatched or too few points, negative values, or a bad M.</exception>
    public static BayesianScalingLawFit Fit(IReadOnlyList<double> shots, IReadOnlyList<double> nll, int tasks = 2)
    {
        ArgumentNullException.ThrowIfNull(shots);
        ArgumentNullException.ThrowIfNull(nll);
        if (shots.Count != nll.Count) throw new ArgumentException($"need one NLL per shot count (got {shots.Count} shots and {nll.Count} NLLs).");
        if (tasks is < 1 or > 5) throw new ArgumentException($"the number of latent tasks must lie in 1 … 5 (got {tasks}).");
        var parameters = 2 * tasks; // (M−1) priors + M probabilities + K
        if (shots.Count < parameters) throw new ArgumentException($"a {tasks}-task law has {parameters} parameters; give at least that many points (got {shots.Count}).");
        if (shots.Any(s => !(s >= 0)) || nll.Any(v => !(v >= 0) || double.IsInfinity(v)))
            throw new ArgumentException("shots and NLL values must be finite and ≥ 0.");

        var xs = shots.ToArray();
        var ys = nll.ToArray();
        double Loss(double[] theta)
        {
            var law = Decode(theta, tasks);
            var sum = 0.0;
            for (var i = 0; i < xs.Length; i++)
            {
                var e = law.PredictNll(xs[i]) - ys[i];
                sum += e * e;
            }

            return sum / xs.Length;
        }

        (double[] X, double Value) best = (Array.Empty<double>(), double.PositiveInfinity);
        foreach (var start in Starts(tasks, ys))
        {
            var result = NelderMead.Minimize(Loss, start);
            result = NelderMead.Minimize(Loss, result.X, initialStep: 0.1); // restart: Nelder–Mead can stall
            if (result.Value < best.Value) best = result;
        }

        return new BayesianScalingLawFit(Decode(best.X, tasks), Math.Sqrt(best.Value));
    }

    /// <summary>θ = (prior logits for tasks 1 … M−1, probability logits for tasks 0 … M−1, ln K).</summary>
    private static BayesianScalingLaw Decode(double[] theta, int tasks)
    {
        var logits = new double[tasks];
        for (var m = 1; m < tasks; m++) logits[m] = theta[m - 1];
        var norm = SpecialFunctions.LogSumExp(logits);
        var priors = logits.Select(l => Math.Exp(l - norm)).ToArray();
        var probabilities = Enumerable.Range(0, tasks)
            .Select(m => Math.Clamp(SpecialFunctions.Logistic(theta[tasks - 1 + m]), 1e-300, 1.0)).ToArray();
        var k = Math.Exp(Math.Clamp(theta[^1], -30, 30));
        return new BayesianScalingLaw(priors, probabilities, k);
    }

    private static IEnumerable<double[]> Starts(int tasks, double[] nll)
    {
        // Spread the task probabilities between the worst and the best observed answer probability.
        var hi = Math.Clamp(Math.Exp(-nll.Min()), 1e-6, 1 - 1e-6);
        var lo = Math.Clamp(Math.Exp(-nll.Max()), 1e-9, 1 - 1e-6);
        foreach (var logK in new[] { -1.0, 0.0, 1.0 })
        foreach (var priorLogit in new[] { -2.0, 0.0, 2.0 })
        {
            var theta = new double[2 * tasks];
            for (var m = 1; m < tasks; m++) theta[m - 1] = priorLogit;
            for (var m = 0; m < tasks; m++)
            {
                var p = tasks == 1 ? hi : Math.Exp(Math.Log(hi) + (Math.Log(lo) - Math.Log(hi)) * m / (tasks - 1));
                theta[tasks - 1 + m] = SpecialFunctions.Logit(Math.Clamp(p, 1e-9, 1 - 1e-9));
            }

            theta[^1] = logK;
            yield return theta;
            if (tasks == 1) yield break;
        }
    }
}
