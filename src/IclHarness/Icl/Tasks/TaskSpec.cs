using System.Globalization;
using System.Numerics;

namespace Probing.IclHarness.Icl.Tasks;

/// <summary>
/// A parsed task: a single integer function (<c>2x+3</c>) or a family of them whose coefficients are
/// parameters with ranges (<c>ax+b, a in -5..5, b in -10..10</c>). Build one with <see cref="TaskParser.Parse"/>.
/// </summary>
/// <param name="Text">The spec as the user wrote it.</param>
/// <param name="Terms">The polynomial's terms.</param>
/// <param name="Modulus">The modulus after <c>mod</c>, or null.</param>
/// <param name="Ranges">One range per parameter, ordered by letter; empty for a single function.</param>
public sealed record TaskSpec(string Text, IReadOnlyList<PolynomialTerm> Terms, long? Modulus, IReadOnlyList<ParameterRange> Ranges)
{
    /// <summary>Members left out of the family (<c>, except 4x+1, 3x+7</c>); each is a member of the full family.</summary>
    public IReadOnlyList<IntegerFunction> Excluded { get; init; } = [];

    /// <summary>True when the spec has parameters and so names a family of functions.</summary>
    public bool IsFamily => Ranges.Count > 0;

    /// <summary>
    /// Number of parameter settings of the family, less the excluded members (1 for a single function). Exact whatever the
    /// ranges: four parameters over the whole 64-bit range make 2^256 members, so bound it before enumerating <see cref="Members"/>.
    /// </summary>
    public BigInteger MemberCount => Ranges.Aggregate(BigInteger.One, (n, r) => n * (BigInteger)r.Count) - Excluded.Count;

    /// <summary>The single function a non-family spec names.</summary>
    public IntegerFunction Function => IsFamily
        ? throw new InvalidOperationException($"task '{Text}' is a family; draw a member with Draw or Members")
        : Instantiate(new Dictionary<char, long>());

    /// <summary>Longest <see cref="SafeName"/>; a longer one is cut and ends with a hash of the whole spec.</summary>
    public const int MaxSafeNameLength = 64;

    /// <summary>A file-system-safe name for the spec, e.g. <c>2x+3</c> or <c>ax+b</c> (at most <see cref="MaxSafeNameLength"/> characters).</summary>
    public string SafeName
    {
        get
        {
            var head = Text.Split([',', ';'])[0].Trim();
            var chars = head.Select(c => char.IsLetterOrDigit(c) || c is '+' or '-' or '^' ? c : '_').ToArray();
            var name = new string(chars).Replace("^", "p", StringComparison.Ordinal);
            if (name.Length == 0) return "task";
            // A folder name has at most 255 bytes: a long spec keeps a readable head and a hash of the whole spec.
            if (name.Length <= MaxSafeNameLength) return name;
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Text)))[..12];
            return $"{name[..(MaxSafeNameLength - hash.Length - 1)]}-{hash}";
        }
    }

    /// <summary>The function obtained by giving each parameter the value in <paramref name="values"/>.</summary>
    public IntegerFunction Instantiate(IReadOnlyDictionary<char, long> values)
    {
        var maxPower = Terms.Count == 0 ? 0 : Terms.Max(t => t.Power);
        // Summed in 128 bits, so only the coefficient itself must fit 64 (the parser checks it does for every member).
        var sums = new Int128[maxPower + 1];
        foreach (var term in Terms)
        {
            Int128 c = term.Coefficient;
            if (term.Parameter is { } p)
            {
                if (!values.TryGetValue(p, out var v)) throw new ArgumentException($"task '{Text}': no value for parameter '{p}'");
                c *= v;
            }
            sums[term.Power] += c;
        }
        return new IntegerFunction(sums.Select(s => checked((long)s)).ToArray(), Modulus);
    }

    /// <summary>Every function of the family, parameters varying in letter order (first letter slowest).</summary>
    public IEnumerable<IntegerFunction> Members()
    {
        if (!IsFamily)
        {
            yield return Function;
            yield break;
        }
        var values = Ranges.ToDictionary(r => r.Name, r => r.Min);
        var excluded = Excluded.ToHashSet();
        while (true)
        {
            var member = Instantiate(values);
            if (!excluded.Contains(member)) yield return member;
            var i = Ranges.Count - 1;
            while (i >= 0 && values[Ranges[i].Name] == Ranges[i].Max)
            {
                values[Ranges[i].Name] = Ranges[i].Min;
                i--;
            }
            if (i < 0) yield break;
            values[Ranges[i].Name]++;
        }
    }

    /// <summary>
    /// Draws one member, each parameter uniform over its range, drawing again while the member is excluded
    /// (the function itself for a non-family spec).
    /// </summary>
    public IntegerFunction Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!IsFamily) return Function;
        for (var attempt = 0; attempt < MaxDraws; attempt++)
        {
            var values = new Dictionary<char, long>();
            foreach (var r in Ranges) values[r.Name] = ExampleSampler.Uniform(random, r.Min, r.Max);
            var member = Instantiate(values);
            if (!Excluded.Contains(member)) return member;
        }
        // Only a family too large to enumerate at parse time gets here, when nearly every draw is excluded.
        throw new ArgumentException($"task '{Text}': {MaxDraws} draws in a row gave an excluded function; exclude fewer functions or narrow the ranges");
    }

    /// <summary>Draws of <see cref="Draw"/> before it gives up on a family whose members are (nearly) all excluded.</summary>
    internal const int MaxDraws = 1_000_000;

    /// <summary>The canonical form: the function, or the family with its ranges (<c>ax+b, a in -5..5, b in -10..10</c>).</summary>
    public string Canonical
    {
        get
        {
            if (!IsFamily) return Function.ToString();
            var parts = new List<string>();
            foreach (var t in Terms.OrderByDescending(t => t.Power))
            {
                var sign = t.Coefficient < 0 ? "-" : parts.Count > 0 ? "+" : "";
                var abs = Math.Abs(t.Coefficient);
                var coefficient = t.Parameter is { } p ? p.ToString() : abs == 1 && t.Power > 0 ? "" : abs.ToString(CultureInfo.InvariantCulture);
                var power = t.Power switch { 0 => "", 1 => "x", _ => string.Create(CultureInfo.InvariantCulture, $"x^{t.Power}") };
                parts.Add(sign + coefficient + power);
            }
            var head = string.Concat(parts) + (Modulus is { } m ? string.Create(CultureInfo.InvariantCulture, $" mod {m}") : "");
            var ranges = ", " + string.Join(", ", Ranges.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name} in {r.Min}..{r.Max}")));
            return head + ranges + (Excluded.Count > 0 ? ", except " + string.Join(", ", Excluded) : "");
        }
    }
}
