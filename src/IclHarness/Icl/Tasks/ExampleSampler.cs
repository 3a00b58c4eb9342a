using Probing.Runs;

namespace Probing.IclHarness.Icl.Tasks;

/// <summary>Draws the x values of a context, reproducibly from a seed.</summary>
public static class ExampleSampler
{
    /// <summary>
    /// A generator for context <paramref name="context"/> of a run seeded with <paramref name="seed"/>:
    /// independent of how many contexts the run has, so context c is the same in a 4- and a 50-context run.
    /// </summary>
    public static Random ContextRandom(int seed, int context)
    {
        // SplitMix64 of (seed, context): well-mixed, platform-independent seeds for System.Random.
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)context + 1);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }

    /// <summary>Draws <paramref name="count"/> x values uniformly from [min, max], distinct or with replacement.</summary>
    /// <exception cref="ArgumentException">The range is empty, or too small for that many distinct values.</exception>
    public static long[] DrawX(Random random, int count, long min, long max, bool distinct)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (max < min) throw new ArgumentException($"x range {min}..{max} is empty; pass XMin..XMax as LO..HI with LO <= HI").Naming(IclRunOptions.XRange);
        if (count < 0) throw new ArgumentException($"the number of examples must be zero or more (got {count})");
        var size = CountValues(min, max);
        if (distinct && size < (ulong)count)
            throw new ArgumentException($"cannot draw {count} distinct x from {min}..{max} ({size} values); widen XMin..XMax, lower Examples or pass Distinct = false")
                .Naming(IclRunOptions.XRange, "Examples", "Distinct = false");
        var xs = new long[count];
        var seen = new HashSet<long>();
        for (var i = 0; i < count; i++)
        {
            long x;
            do x = Uniform(random, min, max);
            while (distinct && !seen.Add(x));
            xs[i] = x;
        }
        return xs;
    }

    /// <summary>
    /// How many integers <paramref name="min"/>..<paramref name="max"/> holds (0 when max &lt; min). The whole 64-bit range
    /// holds 2^64, one more than a <see cref="ulong"/> holds, hence the 128-bit count.
    /// </summary>
    public static UInt128 CountValues(long min, long max) => max < min ? UInt128.Zero : (UInt128)unchecked((ulong)(max - min)) + 1;

    /// <summary>One integer drawn uniformly from <paramref name="min"/>..<paramref name="max"/> (max ≥ min), any 64-bit range included.</summary>
    public static long Uniform(Random random, long min, long max)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (max < min) throw new ArgumentException($"range {min}..{max} is empty");
        // The usual draw (the one earlier versions made, so seeds keep their bytes) needs max + 1 to fit a long.
        if (max < long.MaxValue) return random.NextInt64(min, max + 1);
        if (min > long.MinValue) return random.NextInt64(min - 1, max) + 1;
        // The whole 64-bit range: every bit pattern is one value.
        Span<byte> bytes = stackalloc byte[8];
        random.NextBytes(bytes);
        return BitConverter.ToInt64(bytes);
    }

    /// <summary>Parses <c>LO..HI</c> (either end may be negative).</summary>
    public static (long Min, long Max) ParseRange(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var lo) ||
            !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var hi))
        {
            var integers = parts.Length == 2 && parts.All(p => p.Length > 0 && (p[0] is '-' or '+' ? p[1..] : p) is { Length: > 0 } digits && digits.All(char.IsAsciiDigit));
            throw new FormatException(integers
                ? $"{what} '{text}' has an end beyond a 64-bit integer; keep both ends within {long.MinValue}..{long.MaxValue}"
                : $"{what} '{text}' is not a range; write LO..HI, e.g. 0..20");
        }
        if (hi < lo) throw new FormatException($"{what} '{text}' is empty; write LO..HI with LO <= HI");
        return (lo, hi);
    }
}
