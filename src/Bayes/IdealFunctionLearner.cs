namespace Probing.Bayes;

/// <summary>
/// The ideal in-context learner for function regression: a uniform prior over a finite family of integer
/// functions, updated by Bayes' rule on the (x, y) examples seen so far.
/// <para>
/// <b>Noise.</b> The likelihood of an example is P(y | x, f) = 1 − ε when y = f(x) and ε otherwise: ε is
/// the probability the learner gives to each particular answer that its rule does not predict (a floor,
/// not a distribution over all integers). It makes a rule outside the family cost a finite surprisal of
/// about −log₂ ε bits per example instead of infinity, and with ε = 10⁻⁶ it changes in-family
/// probabilities by less than 10⁻⁵. ε = 0 gives the noiseless learner, which fails on an example no
/// remaining hypothesis explains.
/// </para>
/// </summary>
public static class IdealFunctionLearner
{
    /// <summary>Runs the learner over <paramref name="examples"/>.</summary>
    /// <param name="family">The hypotheses (uniform prior).</param>
    /// <param name="examples">The (x, y) examples in prompt order.</param>
    /// <param name="epsilon">The noise floor ε in [0, 0.5).</param>
    /// <returns>Entry i: the probability of y_i given x_i before example i is seen, and its surprisal in bits.</returns>
    /// <exception cref="ArgumentException">ε is outside [0, 0.5), the family is empty, or (ε = 0) no hypothesis fits.</exception>
    public static IdealLearnerCurve Evaluate(IReadOnlyList<Func<long, long>> family, IReadOnlyList<(long X, long Y)> examples, double epsilon = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(examples);
        var observer = CreateObserver(family, epsilon);
        var pCorrect = new double[examples.Count];
        for (var i = 0; i < examples.Count; i++) pCorrect[i] = observer.Observe(examples[i]);
        return new IdealLearnerCurve(pCorrect, pCorrect.Select(p => -Math.Log2(p)).ToArray());
    }

    /// <summary>The observer behind <see cref="Evaluate"/>, for callers who want its posterior or predictive.</summary>
    public static DiscreteHypothesisObserver<Func<long, long>, (long X, long Y)> CreateObserver(IReadOnlyList<Func<long, long>> family, double epsilon = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(family);
        if (!(epsilon >= 0 && epsilon < 0.5))
            throw new ArgumentException($"the noise floor ε must lie in [0, 0.5) (got {epsilon}).");
        return new DiscreteHypothesisObserver<Func<long, long>, (long X, long Y)>(
            family, (f, example) => f(example.X) == example.Y ? 1.0 - epsilon : epsilon);
    }
}
