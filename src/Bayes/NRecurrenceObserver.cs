namespace Probing.Bayes;

/// <summary>
/// The exact Bayesian observer of n-recurrence (<see cref="NRecurrenceSpec"/>): a forward filter over the
/// latent states (n, t, φ), Σ_n n·V of them. Each position costs O(states + (MaxN−MinN+1)·V²), so V = 75 and
/// n up to 10 run at thousands of positions per second. Transitions are applied through per-(n, t) sums,
/// never through a states × states matrix.
/// </summary>
public static class NRecurrenceObserver
{
    /// <summary>Row j: the next-token distribution P(x_{j+1} | x_0 … x_j) at position j (see <see cref="NRecurrenceBelief.Predictive"/>).</summary>
    public static double[][] Predictive(NRecurrenceSpec spec, IReadOnlyList<int> tokens) => Filter(spec, tokens).Predictive;

    /// <summary>Runs the filter over <paramref name="tokens"/> and returns every per-position belief.</summary>
    /// <exception cref="ArgumentException">The spec is invalid, the sequence is empty, a token is outside 0 … V−1,
    /// or the sequence is impossible under the spec (for example deterministic data that breaks every rule).</exception>
    public static NRecurrenceBelief Filter(NRecurrenceSpec spec, IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(tokens);
        spec.Validate();
        if (tokens.Count == 0) throw new ArgumentException("the observer needs at least one token.");
        var v = spec.VocabSize;
        for (var j = 0; j < tokens.Count; j++)
            if (tokens[j] < 0 || tokens[j] >= v)
                throw new ArgumentException($"token {tokens[j]} at position {j} is outside the vocabulary 0 … {v - 1}.");

        var layout = new NRecurrenceStateLayout(spec);
        var belief = layout.Prior(); // P(s_j | x_<j)
        var history = new List<int>(tokens.Count);
        var priorPredictive = NRecurrenceEmission.PredictiveDistribution(spec, layout, belief, history);
        var count = tokens.Count;
        var predictive = new double[count][];
        var loss = new double[Math.Max(0, count - 1)];
        var posteriorN = new double[count][];
        var posteriorT = new double[count][];
        var entropy = new double[count];
        var nextIsTarget = new double[count];
        var logEvidence = 0.0;
        for (var j = 0; j < count; j++)
        {
            var x = tokens[j];
            var evidence = NRecurrenceEmission.Condition(spec, layout, belief, history, x); // belief becomes P(s_j | x_≤j)
            if (!(evidence > 0))
                throw new ArgumentException($"token {x} at position {j} is impossible under this n-recurrence specification; check p_noise, p_transition and the variant options.");
            logEvidence += Math.Log(evidence);
            (posteriorN[j], posteriorT[j], entropy[j]) = layout.Marginals(belief);
            history.Add(x);
            belief = layout.Transition(belief); // P(s_{j+1} | x_≤j)
            nextIsTarget[j] = layout.TargetMass(belief);
            predictive[j] = NRecurrenceEmission.PredictiveDistribution(spec, layout, belief, history);
            if (j + 1 < count) loss[j] = -Math.Log(predictive[j][tokens[j + 1]]);
        }

        return new NRecurrenceBelief(priorPredictive, predictive, loss, posteriorN, posteriorT, entropy, nextIsTarget, logEvidence);
    }

    /// <summary>The ideal loss per position, as <see cref="NRecurrenceBelief.LossNats"/>.</summary>
    public static double[] LossNats(NRecurrenceSpec spec, IReadOnlyList<int> tokens) => Filter(spec, tokens).LossNats;
}
