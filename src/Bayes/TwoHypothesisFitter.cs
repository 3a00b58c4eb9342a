namespace Probing.Bayes;

/// <summary>
/// Fits (θ₀, c) of <see cref="TwoHypothesisModel"/> to an observed series of P(correct) by maximum likelihood.
/// <para>
/// <b>Likelihood.</b> Entry i of the series is p_i ∈ [0, 1], the probability the learner gave the correct
/// answer before example i; the model says θ_i = σ(a + b·i) with a = logit θ₀ and b = logit c. Each p_i is
/// treated as a fractional Bernoulli outcome of θ_i: ℓ = Σ w_i [p_i ln θ_i + (1 − p_i) ln(1 − θ_i)]. This is
/// the fractional-logit quasi-likelihood (Papke and Wooldridge 1996): its maximiser is consistent whenever
/// the mean model is right, whatever the spread of p_i, and ℓ is concave in (a, b), so Newton's method on
/// (a, b) finds the unique maximum. Fitting on (a, b) also keeps θ₀ and c inside (0, 1).
/// </para>
/// <para>
/// <b>Uncertainty.</b> By default robust (sandwich) standard errors A⁻¹BA⁻¹·N/(N−2) with A the observed
/// information and B the outer product of the scores, mapped to θ₀ and c by the delta method; 95% intervals
/// are a ± 1.96 se on the logit scale mapped through σ. Optionally case-resampling bootstrap percentile
/// intervals with a fixed seed.
/// </para>
/// </summary>
public static class TwoHypothesisFitter
{
    private const double Z95 = 1.959963984540054;
    private const double JointZ95 = 2.447746830680816; // √χ²₂(0.95): the 95% ellipse of two parameters, projected
    private const double Floor = 1e-6; // P(correct) below this at every point: no measurable probability
    private const double BoundaryLogOdds = 700.0; // beyond this σ(z) is 0 or 1 in double precision

    /// <summary>Fits (θ₀, c) to <paramref name="observedPCorrect"/> (entry i: P(correct) before example i).</summary>
    /// <exception cref="ArgumentException">
    /// Fewer than 2 observations, a value outside [0, 1], bad weights, or a series whose maximum lies on the
    /// boundary (all values 0 or 1, or a clean step from 0 to 1), or a series that cannot identify (θ₀, c)
    /// (message "not identifiable: …", see <see cref="NotIdentifiable"/>).
    /// </exception>
    public static TwoHypothesisFit Fit(IReadOnlyList<double> observedPCorrect, TwoHypothesisFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observedPCorrect);
        options ??= new TwoHypothesisFitOptions();
        var n = observedPCorrect.Count;
        if (n < 2) throw new ArgumentException($"fitting (θ₀, c) needs at least 2 observations (got {n}).");
        var p = new double[n];
        for (var i = 0; i < n; i++)
        {
            var v = observedPCorrect[i];
            if (!(v >= 0.0 && v <= 1.0))
                throw new ArgumentException($"observation {i + 1} is {v}, but P(correct) values must lie in [0, 1].");
            p[i] = v;
        }

        var w = Weights(options.Weights, n);
        // With two or more values strictly inside (0, 1) the log-likelihood is strictly concave and tends to −∞ in
        // every direction, so a finite maximum exists; with fewer it can run off to θ = 0 or 1 (all 0s, all 1s,
        // a clean step).
        if (Enumerable.Range(0, n).Count(i => w[i] > 0 && p[i] > 0 && p[i] < 1) < 2)
            throw new ArgumentException(
                "the two-hypothesis fit needs at least 2 P(correct) values strictly between 0 and 1; " +
                "a series of only 0s and 1s has no interior maximum-likelihood estimate.");
        if (options.BootstrapSamples < 0)
            throw new ArgumentException($"the number of bootstrap samples must be ≥ 0 (got {options.BootstrapSamples}).");

        if (NotIdentifiable(p, w) is { } reason) throw new ArgumentException("not identifiable: " + reason);

        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var (a, b) = Maximise(x, p, w);
        var (varA, varB, covAB) = Covariance(x, p, w, a, b, options.RobustStandardErrors);
        var theta0 = SpecialFunctions.Logistic(a);
        var c = SpecialFunctions.Logistic(b);
        var seA = Math.Sqrt(varA);
        var seB = Math.Sqrt(varB);
        var thetaCi = (SpecialFunctions.Logistic(a - Z95 * seA), SpecialFunctions.Logistic(a + Z95 * seA));
        var cCi = (SpecialFunctions.Logistic(b - Z95 * seB), SpecialFunctions.Logistic(b + Z95 * seB));
        if (options.BootstrapSamples > 0) (thetaCi, cCi) = Bootstrap(x, p, w, options.BootstrapSamples, options.Seed);

        var sq = 0.0;
        var sqBits = 0.0;
        var logLik = 0.0;
        for (var i = 0; i < n; i++)
        {
            var z = a + b * x[i];
            var theta = SpecialFunctions.Logistic(z);
            sq += (p[i] - theta) * (p[i] - theta);
            // −log₂ θ without underflow: log(1 + e^−z) / ln 2.
            var bits = (-Math.Log(Math.Max(p[i], double.Epsilon)) - TwoHypothesisModel.LogOnePlusExp(-z)) / Math.Log(2);
            sqBits += bits * bits;
            logLik += w[i] * LogLikelihoodTerm(p[i], z);
        }

        return new TwoHypothesisFit(theta0, c, theta0 * (1 - theta0) * seA, c * (1 - c) * seB,
            thetaCi, cCi, Math.Sqrt(sq / n), logLik, n)
        {
            RmseSurprisalBits = Math.Sqrt(sqBits / n),
            Theta0JointCi95 = (SpecialFunctions.Logistic(a - JointZ95 * seA), SpecialFunctions.Logistic(a + JointZ95 * seA)),
            CJointCi95 = (SpecialFunctions.Logistic(b - JointZ95 * seB), SpecialFunctions.Logistic(b + JointZ95 * seB)),
            LogitCorrelation = seA > 0 && seB > 0 ? Math.Clamp(covAB / (seA * seB), -1, 1) : 0,
        };
    }

    /// <summary>
    /// Why the series cannot identify (θ₀, c), or null. A curve pinned at P(correct) ≈ 0 (or ≈ 1) everywhere is
    /// one the learner never moved on: any c with a small enough θ₀ reproduces it, and the quasi-likelihood's
    /// apparent precision there is an artefact of vanishing weights.
    /// </summary>
    public static string? NotIdentifiable(IReadOnlyList<double> p, IReadOnlyList<double> w)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(w);
        var used = Enumerable.Range(0, p.Count).Where(i => w[i] > 0).Select(i => p[i]).ToList();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (used.Count > 0 && used.Max() < Floor)
            return string.Create(inv, $"P(correct) stays below 1e-6 at every example (at most {used.Max():G3}): the answers get no measurable probability, so no update can be read from the curve");
        if (used.Count > 0 && used.Min() > 1 - Floor)
            return string.Create(inv, $"P(correct) stays above 1 − 1e-6 at every example: the answers are certain from the start, so no update can be read from the curve");
        return null;
    }

    /// <summary>Σ w [p ln σ(z) + (1 − p) ln(1 − σ(z))], computed without cancellation.</summary>
    private static double LogLikelihoodTerm(double p, double z) =>
        -(p * TwoHypothesisModel.LogOnePlusExp(-z) + (1 - p) * TwoHypothesisModel.LogOnePlusExp(z));

    private static double[] Weights(IReadOnlyList<double>? weights, int n)
    {
        if (weights is null) return Enumerable.Repeat(1.0, n).ToArray();
        if (weights.Count != n)
            throw new ArgumentException($"there must be one weight per observation (got {weights.Count} weights for {n} observations).");
        foreach (var v in weights)
            if (!(v >= 0.0) || double.IsInfinity(v)) throw new ArgumentException($"weights must be finite and ≥ 0 (got {v}).");
        if (weights.Count(v => v > 0) < 2) throw new ArgumentException("at least 2 observations need a positive weight.");
        return weights.ToArray();
    }

    /// <summary>Damped Newton ascent on the concave log-likelihood in (a, b).</summary>
    internal static (double A, double B) Maximise(double[] x, double[] p, double[] w)
    {
        double a = 0, b = 0;
        var current = Objective(x, p, w, a, b);
        for (var iteration = 0; iteration < 500; iteration++)
        {
            double g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
            for (var i = 0; i < x.Length; i++)
            {
                var theta = SpecialFunctions.Logistic(a + b * x[i]);
                var r = w[i] * (p[i] - theta);
                var v = w[i] * theta * (1 - theta);
                g0 += r;
                g1 += r * x[i];
                h00 += v;
                h01 += v * x[i];
                h11 += v * x[i] * x[i];
            }

            var det = h00 * h11 - h01 * h01;
            // A vanishing curvature means θ has run to 0 or 1 at every point: the maximum is on the boundary.
            if (!(det > 1e-300)) break;
            var da = (h11 * g0 - h01 * g1) / det;
            var db = (h00 * g1 - h01 * g0) / det;
            var step = 1.0;
            double next;
            while (true)
            {
                next = Objective(x, p, w, a + step * da, b + step * db);
                if (next >= current - 1e-12 || step < 1e-10) break;
                step *= 0.5;
            }

            a += step * da;
            b += step * db;
            current = next;
            if (Math.Abs(a) > BoundaryLogOdds || Math.Abs(b) > BoundaryLogOdds) break;
            if (Math.Abs(step * da) < 1e-10 && Math.Abs(step * db) < 1e-10) break;
        }

        if (Math.Abs(a) <= BoundaryLogOdds && Math.Abs(b) <= BoundaryLogOdds && GradientNorm(x, p, w, a, b) < 1e-6 * w.Sum()) return (a, b);
        throw new ArgumentException(
            "the two-hypothesis fit did not converge: the series sits at P(correct) 0 or 1 almost everywhere; " +
            "use a series with intermediate P(correct) values.");
    }

    private static double GradientNorm(double[] x, double[] p, double[] w, double a, double b)
    {
        double g0 = 0, g1 = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var r = w[i] * (p[i] - SpecialFunctions.Logistic(a + b * x[i]));
            g0 += r;
            g1 += r * x[i];
        }

        return Math.Sqrt(g0 * g0 + g1 * g1);
    }

    private static double Objective(double[] x, double[] p, double[] w, double a, double b)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++) sum += w[i] * LogLikelihoodTerm(p[i], a + b * x[i]);
        return sum;
    }

    private static (double VarA, double VarB, double CovAB) Covariance(double[] x, double[] p, double[] w, double a, double b, bool robust)
    {
        double h00 = 0, h01 = 0, h11 = 0, s00 = 0, s01 = 0, s11 = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var theta = SpecialFunctions.Logistic(a + b * x[i]);
            var v = w[i] * theta * (1 - theta);
            h00 += v;
            h01 += v * x[i];
            h11 += v * x[i] * x[i];
            var r = w[i] * (p[i] - theta);
            s00 += r * r;
            s01 += r * r * x[i];
            s11 += r * r * x[i] * x[i];
        }

        var det = h00 * h11 - h01 * h01;
        // Inverse of the observed information A = [[h00, h01], [h01, h11]].
        var i00 = h11 / det;
        var i01 = -h01 / det;
        var i11 = h00 / det;
        if (!robust) return (i00, i11, i01);
        var m = x.Length;
        var correction = m > 2 ? (double)m / (m - 2) : 1.0;
        // Sandwich A⁻¹ B A⁻¹, diagonal only.
        var varA = i00 * i00 * s00 + 2 * i00 * i01 * s01 + i01 * i01 * s11;
        var varB = i01 * i01 * s00 + 2 * i01 * i11 * s01 + i11 * i11 * s11;
        var covAB = i00 * i01 * s00 + (i00 * i11 + i01 * i01) * s01 + i01 * i11 * s11;
        return (correction * varA, correction * varB, correction * covAB);
    }

    private static ((double, double) Theta, (double, double) C) Bootstrap(double[] x, double[] p, double[] w, int samples, int seed)
    {
        var random = new Random(seed);
        var thetas = new List<double>(samples);
        var cs = new List<double>(samples);
        var n = x.Length;
        var bx = new double[n];
        var bp = new double[n];
        var bw = new double[n];
        for (var s = 0; s < samples; s++)
        {
            for (var i = 0; i < n; i++)
            {
                var j = random.Next(n);
                (bx[i], bp[i], bw[i]) = (x[j], p[j], w[j]);
            }

            // A resample needs two interior values at distinct positions to identify (a, b).
            if (Enumerable.Range(0, n).Where(i => bw[i] > 0 && bp[i] > 0 && bp[i] < 1).Select(i => bx[i]).Distinct().Count() < 2) continue;
            try
            {
                var (a, b) = Maximise(bx, bp, bw);
                thetas.Add(SpecialFunctions.Logistic(a));
                cs.Add(SpecialFunctions.Logistic(b));
            }
            catch (ArgumentException)
            {
                // A resample that is a clean step has no interior maximum; it carries no interval information.
            }
        }

        if (thetas.Count < 10)
            throw new ArgumentException("too few bootstrap refits succeeded to form an interval; use more observations or no bootstrap.");
        return ((Quantile(thetas, 0.025), Quantile(thetas, 0.975)), (Quantile(cs, 0.025), Quantile(cs, 0.975)));
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var position = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }
}
