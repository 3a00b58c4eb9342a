namespace Probing.Bayes;

/// <summary>Surprisal in nats or bits, and cumulative information.</summary>
public static class Surprisal
{
    /// <summary>ln 2, to convert nats to bits.</summary>
    public const double Ln2 = 0.69314718055994530942;

    /// <summary>−ln p, in nats.</summary>
    public static double Nats(double probability) => -Math.Log(probability);

    /// <summary>−log₂ p, in bits.</summary>
    public static double Bits(double probability) => -Math.Log(probability) / Ln2;

    /// <summary>Converts nats to bits.</summary>
    public static double NatsToBits(double nats) => nats / Ln2;
}
