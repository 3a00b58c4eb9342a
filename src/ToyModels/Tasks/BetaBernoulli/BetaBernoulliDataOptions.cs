using System.Globalization;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// The beta-Bernoulli coin-flip data (seed 000): each sequence draws p ~ Beta(α, β) (or from a mixture of
/// Beta priors), then i.i.d. flips. Tokens: 0 = tails, 1 = heads, 2 = BOS.
/// <para>
/// <b>Layout.</b> With a BOS token the input is <c>[BOS, f1 … f(n_ctx−1)]</c> and the targets are
/// <c>f1 … f(n_ctx)</c>, so position i predicts after i flips (i = 0 … n_ctx−1), the convention of
/// <c>Probing.Bayes.BetaBernoulli</c>. Without BOS the input is <c>f1 … f(n_ctx)</c>; position j has seen
/// j+1 flips and the last position has no target.
/// </para>
/// </summary>
public sealed record BetaBernoulliDataOptions
{
    /// <summary>The tails token.</summary>
    public const int Tails = 0;

    /// <summary>The heads token.</summary>
    public const int Heads = 1;

    /// <summary>The BOS token id (only used when <see cref="Bos"/> is set).</summary>
    public const int BosToken = 2;

    /// <summary>Target value at positions that predict nothing (ignored by the loss).</summary>
    public const long IgnoreTarget = -100;

    /// <summary>Prior α &gt; 0 (ignored when <see cref="Mixture"/> is set).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Prior β &gt; 0 (ignored when <see cref="Mixture"/> is set).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Sequence length in tokens (the model's n_ctx).</summary>
    public int NCtx { get; init; } = 20;

    /// <summary>Whether each sequence starts with a BOS token (d_vocab 3 instead of 2).</summary>
    public bool Bos { get; init; } = true;

    /// <summary>A mixture of Beta priors; null for the single prior Beta(<see cref="Alpha"/>, <see cref="Beta"/>).</summary>
    public IReadOnlyList<BetaMixtureComponent>? Mixture { get; init; }

    /// <summary>The vocabulary size the model needs: 3 with BOS, else 2.</summary>
    public int DVocab => Bos ? 3 : 2;

    /// <summary>The number of positions that carry a target: n_ctx with BOS, n_ctx − 1 without.</summary>
    public int PredictedPositions => Bos ? NCtx : NCtx - 1;

    /// <summary>How many flips the model has seen at input position <paramref name="position"/>.</summary>
    public int FlipsSeenAt(int position) => Bos ? position : position + 1;

    /// <summary>A short description of the prior, e.g. <c>Beta(1,1)</c> or <c>0.5·Beta(1,1) + 0.5·Beta(10,2)</c>.</summary>
    public string PriorLabel => Mixture is null
        ? $"Beta({Fmt(Alpha)},{Fmt(Beta)})"
        : string.Join(" + ", Mixture.Select(c => $"{Fmt(c.Weight / Mixture.Sum(m => m.Weight))}·Beta({Fmt(c.Alpha)},{Fmt(c.Beta)})"));

    /// <summary>Throws <see cref="ArgumentException"/> with a user-facing message when an option is out of range.</summary>
    public void Validate()
    {
        if (NCtx < 2) throw new ArgumentException($"the beta-Bernoulli sequence length n_ctx must be at least 2 (got {NCtx}).");
        if (Mixture is null)
        {
            CheckPrior(Alpha, Beta);
            return;
        }

        if (Mixture.Count == 0) throw new ArgumentException("the prior mixture is empty; give at least one component as weight:alpha:beta.");
        foreach (var c in Mixture)
        {
            if (!(c.Weight >= 0) || double.IsInfinity(c.Weight)) throw new ArgumentException($"mixture weights must be finite and ≥ 0 (got {c.Weight}).");
            CheckPrior(c.Alpha, c.Beta);
        }

        if (!(Mixture.Sum(c => c.Weight) > 0)) throw new ArgumentException("the prior mixture's weights must have a positive sum.");
    }

    /// <summary>
    /// Parses a mixture written as <c>w:α:β,w:α:β</c>, for example <c>0.5:1:1,0.5:10:2</c>.
    /// </summary>
    /// <exception cref="FormatException">The text is not a list of weight:alpha:beta triples.</exception>
    public static IReadOnlyList<BetaMixtureComponent> ParseMixture(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<BetaMixtureComponent>();
        foreach (var part in parts)
        {
            var fields = part.Split(':');
            if (fields.Length != 3 || !fields.All(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                throw new FormatException($"cannot read the mixture component '{part}'; write components as weight:alpha:beta, e.g. 0.5:1:1,0.5:10:2.");
            var v = fields.Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            result.Add(new BetaMixtureComponent(v[0], v[1], v[2]));
        }

        if (result.Count == 0) throw new FormatException("the mixture is empty; write components as weight:alpha:beta, e.g. 0.5:1:1,0.5:10:2.");
        return result;
    }

    private static void CheckPrior(double alpha, double beta)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha)) throw new ArgumentException($"the prior α must be a positive finite number (got {alpha}); use e.g. alpha = 1.");
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentException($"the prior β must be a positive finite number (got {beta}); use e.g. beta = 1.");
    }

    private static string Fmt(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
