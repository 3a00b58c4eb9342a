namespace Probing.Bayes;

/// <summary>A Beta(α, β) distribution over a coin's bias p, used as a prior or a posterior.</summary>
/// <param name="Alpha">α &gt; 0: pseudo-count of heads (1s).</param>
/// <param name="Beta">β &gt; 0: pseudo-count of tails (0s).</param>
public sealed record BetaPosterior(double Alpha, double Beta)
{
    /// <summary>E[p] = α/(α+β), which is also the predictive probability that the next flip is heads.</summary>
    public double Mean => Alpha / (Alpha + Beta);

    /// <summary>Var[p] = αβ / ((α+β)²(α+β+1)).</summary>
    public double Variance => Alpha * Beta / ((Alpha + Beta) * (Alpha + Beta) * (Alpha + Beta + 1.0));
}
