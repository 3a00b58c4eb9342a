namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Beta and Gamma variates from a seeded <see cref="Random"/> (Marsaglia–Tsang gamma, Box–Muller normals).</summary>
internal static class RandomBeta
{
    /// <summary>A Beta(α, β) draw as X/(X+Y) with X ~ Gamma(α), Y ~ Gamma(β).</summary>
    public static double Sample(Random rng, double alpha, double beta)
    {
        if (alpha == 1.0 && beta == 1.0) return rng.NextDouble(); // Beta(1,1) is uniform; keep the common case exact and cheap.
        var x = Gamma(rng, alpha);
        var y = Gamma(rng, beta);
        return x / (x + y);
    }

    /// <summary>A Gamma(shape, 1) draw.</summary>
    public static double Gamma(Random rng, double shape)
    {
        if (shape < 1.0)
        {
            // Boost: Gamma(a) = Gamma(a+1) · U^(1/a).
            var u = 1.0 - rng.NextDouble();
            return Gamma(rng, shape + 1.0) * Math.Pow(u, 1.0 / shape);
        }

        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(rng);
                v = 1.0 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = 1.0 - rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    private static double Normal(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
