namespace Probing.Bayes;

/// <summary>The family of integer functions f(x) = a·x + b over ranges of a and b (seed 004's task is 2x+3).</summary>
public static class LinearFunctionFamily
{
    /// <summary>
    /// Every f(x) = a·x + b with a in [aMin, aMax] and b in [bMin, bMax], a-major order, named like
    /// "2x+3", "x", "-x-2", "3" (a = 0), "0".
    /// </summary>
    /// <exception cref="ArgumentException">An empty range, or more than 10⁷ functions.</exception>
    public static FunctionFamily Create(int aMin, int aMax, int bMin, int bMax)
    {
        if (aMin > aMax) throw new ArgumentException($"the range of a is empty ({aMin} > {aMax}).");
        if (bMin > bMax) throw new ArgumentException($"the range of b is empty ({bMin} > {bMax}).");
        var count = ((long)aMax - aMin + 1) * ((long)bMax - bMin + 1);
        if (count > 10_000_000) throw new ArgumentException($"the family would hold {count} functions; keep it under 10⁷.");
        var functions = new List<Func<long, long>>((int)count);
        var names = new List<string>((int)count);
        for (var a = aMin; a <= aMax; a++)
        for (var b = bMin; b <= bMax; b++)
        {
            long slope = a, intercept = b;
            functions.Add(x => slope * x + intercept);
            names.Add(Name(a, b));
        }

        return new FunctionFamily(functions, names);
    }

    /// <summary>The conventional name of a·x + b: "2x+3", "x-1", "-x", "5", "0".</summary>
    public static string Name(long a, long b)
    {
        var slope = a switch { 0 => "", 1 => "x", -1 => "-x", _ => $"{a}x" };
        if (a == 0) return b.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (b == 0) return slope;
        return b > 0 ? $"{slope}+{b}" : $"{slope}{b}";
    }
}
