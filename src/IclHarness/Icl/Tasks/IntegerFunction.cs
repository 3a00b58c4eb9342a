using System.Globalization;
using System.Text;

namespace Probing.IclHarness.Icl.Tasks;

/// <summary>
/// An exact integer function y = Σ c_k·x^k, optionally reduced mod m into 0..m−1. Arithmetic is
/// checked: a value that does not fit in a 64-bit integer throws <see cref="OverflowException"/> (a reduced value
/// always fits: it is computed in modular arithmetic).
/// </summary>
public sealed class IntegerFunction : IEquatable<IntegerFunction>
{
    private readonly long[] _coefficients;

    /// <summary>Creates the function from its coefficients (index k multiplies x^k) and optional modulus.</summary>
    public IntegerFunction(IReadOnlyList<long> coefficients, long? modulus = null)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (modulus is { } m && m < 2) throw new ArgumentException($"modulus must be at least 2, got {m}");
        var trimmed = coefficients.ToList();
        while (trimmed.Count > 1 && trimmed[^1] == 0) trimmed.RemoveAt(trimmed.Count - 1);
        _coefficients = trimmed.Count == 0 ? [0] : [.. trimmed];
        Modulus = modulus;
    }

    /// <summary>Coefficient of x^k at index k (trailing zeros trimmed).</summary>
    public IReadOnlyList<long> Coefficients => _coefficients;

    /// <summary>The modulus, or null when the values are not reduced.</summary>
    public long? Modulus { get; }

    /// <summary>
    /// Evaluates the function at <paramref name="x"/>: with checked arithmetic, or with a modulus exactly in modular
    /// arithmetic (so a reduced value never overflows, whatever x and the modulus).
    /// </summary>
    public long Apply(long x)
    {
        if (Modulus is { } m) return ApplyModulo(x, m);
        checked
        {
            long y = 0;
            for (var k = _coefficients.Length - 1; k >= 0; k--) y = y * x + _coefficients[k]; // Horner
            return y;
        }
    }

    /// <summary>
    /// Horner's rule mod m: (Σ c_k·x^k) mod m equals the same sum with x and every c_k reduced first, and every partial
    /// value stays in 0..m−1, so with 128-bit products (below m² &lt; 2^126) nothing overflows.
    /// </summary>
    private long ApplyModulo(long x, long m)
    {
        Int128 modulus = m, xm = Reduce(x, m), y = 0;
        for (var k = _coefficients.Length - 1; k >= 0; k--) y = (y * xm + Reduce(_coefficients[k], m)) % modulus;
        return (long)y;
    }

    /// <summary>v mod m in 0..m−1 (C#'s % keeps the sign of v).</summary>
    private static long Reduce(long v, long m)
    {
        var r = v % m;
        return r < 0 ? r + m : r;
    }

    /// <summary>The canonical spec, e.g. <c>2x+3</c>, <c>-x+7</c>, <c>x^2+1</c>, <c>2x+3 mod 10</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var k = _coefficients.Length - 1; k >= 0; k--)
        {
            var c = _coefficients[k];
            if (c == 0 && !(k == 0 && sb.Length == 0)) continue;
            if (sb.Length > 0) sb.Append(c < 0 ? '-' : '+');
            else if (c < 0) sb.Append('-');
            var abs = c == long.MinValue ? "9223372036854775808" : Math.Abs(c).ToString(CultureInfo.InvariantCulture);
            if (k == 0) sb.Append(abs);
            else
            {
                if (abs != "1") sb.Append(abs);
                sb.Append('x');
                if (k > 1) sb.Append('^').Append(k.ToString(CultureInfo.InvariantCulture));
            }
        }
        if (Modulus is { } m) sb.Append(" mod ").Append(m.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <inheritdoc />
    /// <remarks>With a modulus, coefficients are compared reduced mod m: 4x mod 3 and x mod 3 are one function.</remarks>
    public bool Equals(IntegerFunction? other) =>
        other is not null && Modulus == other.Modulus && Reduced().AsSpan().SequenceEqual(other.Reduced());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as IntegerFunction);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Modulus);
        foreach (var c in Reduced()) hash.Add(c);
        return hash.ToHashCode();
    }

    // The coefficients reduced into 0..m−1 (trailing zeros trimmed again), or as they are without a modulus.
    private long[] Reduced()
    {
        if (Modulus is not { } m) return _coefficients;
        var reduced = _coefficients.Select(c => Reduce(c, m)).ToList();
        while (reduced.Count > 1 && reduced[^1] == 0) reduced.RemoveAt(reduced.Count - 1);
        return [.. reduced];
    }
}
