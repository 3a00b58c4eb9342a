namespace Probing.Bayes;

/// <summary>
/// Exact results for coin flips with bias p ~ Beta(α, β) (seed 000).
/// <para>
/// <b>Position convention.</b> Position i is the prediction made after i flips have been seen, so a
/// sequence of N flips has prediction positions i = 0 … N−1 (position 0 predicts the first flip from the
/// prior alone). With this convention the mean loss over a sequence of N flips under Beta(1,1) is
/// 0.5854 (N=10), 0.5574 (20), 0.5443 (30), 0.5314 (50), 0.5190 (100), 0.5112 (200) nats, the table in
/// REFERENCES.md. (Averaging positions 1 … N instead gives 0.5699 at N=10.)
/// </para>
/// All losses are in nats.
/// </summary>
public static class BetaBernoulli
{
    /// <summary>The Bayes-optimal probability that the next flip is heads: (H + α)/(N + α + β).</summary>
    /// <param name="heads">H, the number of heads seen so far (0 ≤ H ≤ N).</param>
    /// <param name="n">N, the number of flips seen so far.</param>
    /// <param name="alpha">Prior α &gt; 0.</param>
    /// <param name="beta">Prior β &gt; 0.</param>
    public static double Predictive(int heads, int n, double alpha, double beta)
    {
        ValidateCounts(heads, n);
        ValidatePrior(alpha, beta);
        return (heads + alpha) / (n + alpha + beta);
    }

    /// <summary>The posterior Beta(α + H, β + N − H) after H heads in N flips.</summary>
    public static BetaPosterior Posterior(int heads, int n, double alpha, double beta)
    {
        ValidateCounts(heads, n);
        ValidatePrior(alpha, beta);
        return new BetaPosterior(alpha + heads, beta + n - heads);
    }

    /// <summary>
    /// The beta-binomial probability of h heads in i flips when p ~ Beta(α, β):
    /// C(i, h) B(h+α, i−h+β) / B(α, β).
    /// </summary>
    public static double BetaBinomialProbability(int h, int i, double alpha, double beta)
    {
        ValidateCounts(h, i);
        ValidatePrior(alpha, beta);
        return Math.Exp(SpecialFunctions.LogChoose(i, h) + SpecialFunctions.LogBeta(h + alpha, i - h + beta) - SpecialFunctions.LogBeta(alpha, beta));
    }

    /// <summary>
    /// The expected log loss (nats) of the Bayes-optimal predictor at position i, that is after i flips:
    /// Σ_h BetaBinomial(h; i, α, β) · H_bin((h+α)/(i+α+β)).
    /// </summary>
    /// <param name="i">Number of flips already seen (i ≥ 0).</param>
    /// <param name="alpha">Prior α &gt; 0.</param>
    /// <param name="beta">Prior β &gt; 0.</param>
    public static double ExpectedLossAtPosition(int i, double alpha, double beta)
    {
        if (i < 0) throw new ArgumentException($"the position must be ≥ 0 (got {i}).");
        ValidatePrior(alpha, beta);
        return LossAtPosition(i, alpha, beta, LogFirstProbability(i, alpha, beta));
    }

    // Σ_h P(h) H(p_h) from log P(h = 0), with the entropy of each predictive taken from its two counts so that
    // neither a huge prior (α = 1e13: p ≈ ½ ± 1e-13) nor a lopsided one (p = 1 − 1e-20) loses the answer to rounding.
    private static double LossAtPosition(int i, double alpha, double beta, double logFirst)
    {
        var pmf = BetaBinomialPmf(i, alpha, beta, logFirst);
        var loss = 0.0;
        for (var h = 0; h <= i; h++)
            loss += pmf[h] * BinaryEntropyOfCounts(h + alpha, i - h + beta);
        return loss;
    }

    /// <summary>
    /// H(a/(a+b)) in nats for positive pseudo-counts a, b, without forming 1 − p: ln p = −ln(1 + b/a).
    /// </summary>
    internal static double BinaryEntropyOfCounts(double a, double b)
    {
        var p = a / (a + b);
        var q = b / (a + b);
        var h = 0.0;
        if (p > 0) h += p * LogOnePlusRatio(b, a);
        if (q > 0) h += q * LogOnePlusRatio(a, b);
        return h;
    }

    // ln(1 + num/den), accurate when the ratio is tiny and finite when it overflows.
    private static double LogOnePlusRatio(double num, double den)
    {
        var ratio = num / den;
        return double.IsFinite(ratio) ? Log1P(ratio) : Math.Log(num) - Math.Log(den);
    }

    /// <summary>ln(1 + x) without the rounding of 1 + x (Goldberg's correction); .NET's LogP1 is ln(x + 1).</summary>
    internal static double Log1P(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>
    /// ln P(h = 0 | i flips) = Σ_{k&lt;i} ln((β+k)/(α+β+k)): each factor is a ratio of like-sized numbers, so
    /// the sum keeps full precision where ln B(α, i+β) − ln B(α, β) cancels (α, β ≳ 1e8).
    /// </summary>
    private static double LogFirstProbability(int i, double alpha, double beta)
    {
        var log = 0.0;
        for (var k = 0; k < i; k++) log += Math.Log((beta + k) / (alpha + beta + k));
        return log;
    }

    /// <summary>The expected Bayes-optimal loss at positions i = 0 … length−1 (nats).</summary>
    /// <param name="length">Sequence length N ≥ 1.</param>
    /// <param name="alpha">Prior α &gt; 0.</param>
    /// <param name="beta">Prior β &gt; 0.</param>
    public static double[] PerPositionLoss(int length, double alpha, double beta)
    {
        if (length < 1) throw new ArgumentException($"the sequence length must be at least 1 (got {length}).");
        ValidatePrior(alpha, beta);
        var losses = new double[length];
        var logFirst = 0.0; // ln P(h = 0) after i flips, updated one flip at a time
        for (var i = 0; i < length; i++)
        {
            losses[i] = LossAtPosition(i, alpha, beta, logFirst);
            logFirst += Math.Log((beta + i) / (alpha + beta + i));
        }
        return losses;
    }

    /// <summary>The Bayes-optimal loss averaged over positions 0 … length−1 (nats).</summary>
    public static double MeanLoss(int length, double alpha, double beta) => PerPositionLoss(length, alpha, beta).Average();

    /// <summary>
    /// The known-p floor E[H(p)] under p ~ Beta(α, β), in nats: the loss of a predictor that is told p.
    /// This is a lower bound, not the Bayes-optimal loss. Closed form:
    /// −α/(α+β)[ψ(α+1) − ψ(α+β+1)] − β/(α+β)[ψ(β+1) − ψ(α+β+1)]; 0.5 nats for Beta(1,1).
    /// </summary>
    public static double KnownPFloor(double alpha, double beta)
    {
        ValidatePrior(alpha, beta);
        var s = alpha + beta;
        // ψ(α+1) − ψ(α+β+1) taken as one difference: two ψ values near ln 1e13 ≈ 30 would cancel to 1e-14 noise.
        return -alpha / s * DigammaDifference(alpha + 1.0, beta)
               - beta / s * DigammaDifference(beta + 1.0, alpha);
    }

    /// <summary>
    /// ψ(x) − ψ(x + d) for x ≥ 1, d &gt; 0. For large x, from the asymptotic series
    /// ψ(x) = ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + …, each term differenced in closed form;
    /// the first is −ln(1 + d/x), exact to rounding however close x + d is to x.
    /// </summary>
    internal static double DigammaDifference(double x, double d)
    {
        if (x < 1e3) return SpecialFunctions.Digamma(x) - SpecialFunctions.Digamma(x + d);
        var y = x + d;
        return -LogOnePlusRatio(d, x) + Tail(x, y, d);

        // Each difference written so that no intermediate overflows, even for x, y near 1e300.
        static double Tail(double x, double y, double d)
        {
            var dxy = d / x / y;                                             // d/(xy) = 1/x − 1/y
            return -dxy / 2                                                  // −(1/(2x) − 1/(2y))
                   - dxy * (1 / x + 1 / y) / 12                              // −(1/(12x²) − 1/(12y²))
                   + (Math.Pow(1 / x, 4) - Math.Pow(1 / y, 4)) / 120
                   - (Math.Pow(1 / x, 6) - Math.Pow(1 / y, 6)) / 252;
        }
    }

    /// <summary>
    /// BetaBinomial(h; i, α, β) for h = 0 … i, by the ratio recurrence from h = 0 so that long sequences
    /// cost O(i) per position instead of O(i) log-gamma calls.
    /// </summary>
    internal static double[] BetaBinomialPmf(int i, double alpha, double beta) =>
        BetaBinomialPmf(i, alpha, beta, LogFirstProbability(i, alpha, beta));

    private static double[] BetaBinomialPmf(int i, double alpha, double beta, double logFirst)
    {
        var pmf = new double[i + 1];
        var log = logFirst;
        pmf[0] = Math.Exp(log);
        for (var h = 0; h < i; h++)
        {
            // P(h+1)/P(h) = (i−h)/(h+1) · (h+α)/(i−h−1+β).
            log += Math.Log((double)(i - h) / (h + 1)) + Math.Log((h + alpha) / (i - h - 1 + beta));
            pmf[h + 1] = Math.Exp(log);
        }

        return pmf;
    }

    /// <summary>Largest α or β accepted: α + β + N must stay finite in double precision.</summary>
    public const double MaxPseudoCount = 1e300;

    internal static void ValidatePrior(double alpha, double beta)
    {
        if (alpha > MaxPseudoCount || beta > MaxPseudoCount)
            throw new ArgumentException($"the prior pseudo-counts α and β must be at most 1e300 (got α = {alpha.ToString("G", System.Globalization.CultureInfo.InvariantCulture)}, β = {beta.ToString("G", System.Globalization.CultureInfo.InvariantCulture)}).");
        if (!(alpha > 0.0) || double.IsInfinity(alpha))
            throw new ArgumentException($"the prior α must be a positive finite number (got {alpha}); use e.g. α = 1 for a uniform prior.");
        if (!(beta > 0.0) || double.IsInfinity(beta))
            throw new ArgumentException($"the prior β must be a positive finite number (got {beta}); use e.g. β = 1 for a uniform prior.");
    }

    private static void ValidateCounts(int heads, int n)
    {
        if (n < 0) throw new ArgumentException($"the number of flips must be ≥ 0 (got {n}).");
        if (heads < 0 || heads > n) throw new ArgumentException($"the number of heads must lie in 0 … {n} (got {heads}).");
    }
}
