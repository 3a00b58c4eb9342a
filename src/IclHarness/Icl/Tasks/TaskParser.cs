using System.Globalization;
using System.Numerics;

namespace Probing.IclHarness.Icl.Tasks;

/// <summary>
/// Parses task specs. Grammar (whitespace is free, columns in messages are 1-based):
/// <code>
/// spec   := poly [ "mod" INT ] { ("," | ";") range } [ ("," | ";") "except" poly { "," poly } ]
/// poly   := [sign] term { sign term }
/// term   := [INT | PARAM] ["*"] "x" ["^" INT]  |  INT  |  PARAM
/// range  := PARAM "in" [-]INT ".." [-]INT
/// PARAM  := "a" | "b" | "c" | "d"
/// </code>
/// A spec with parameters is a family; a parameter without a range multiplies x^k (k ≥ 1) over −5..5,
/// or is a constant over −10..10. Examples: <c>2x+3</c>, <c>-x+7</c>, <c>x^2+1</c>, <c>2x+3 mod 10</c>,
/// <c>ax+b, a in 1..5, b in 0..9</c>, <c>ax+b, a in 0..5, b in 0..9, except 4x+1, 3x+7</c> (a family without the
/// listed members, for example the functions a model was not trained on; they take the family's modulus).
/// </summary>
public static class TaskParser
{
    /// <summary>Largest exponent accepted; higher powers overflow for any useful x range.</summary>
    public const int MaxPower = 12;

    /// <summary>Parses <paramref name="spec"/>; throws <see cref="FormatException"/> naming the column of the problem.</summary>
    public static TaskSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Trim().Length == 0) throw new FormatException("task spec is empty; write a function of x such as 2x+3");
        return new Cursor(spec).ParseSpec();
    }

    private sealed class Cursor(string text)
    {
        private int _pos;

        private char? Peek => _pos < text.Length ? text[_pos] : null;

        private FormatException Error(string what, int? at = null, string hint = "")
        {
            var column = (at ?? _pos) + 1;
            var where = (at ?? _pos) >= text.Length ? $"column {column} (end of spec)" : $"column {column}";
            return new FormatException($"task '{text}': {what} at {where}{hint}");
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        public TaskSpec ParseSpec()
        {
            var terms = ParsePolynomial();
            SkipSpaces();
            long? modulus = null;
            if (Peek == 'm')
            {
                if (string.CompareOrdinal(text, _pos, "mod", 0, 3) != 0) throw UnknownSymbol();
                _pos += 3;
                SkipSpaces();
                var at = _pos;
                modulus = ReadInteger(allowSign: false) ?? throw Error("expected a modulus after 'mod'");
                if (modulus < 2) throw Error("the modulus must be at least 2", at);
            }
            var ranges = new Dictionary<char, ParameterRange>();
            var excluded = new List<(IntegerFunction Function, int At)>();
            SkipSpaces();
            while (Peek is ',' or ';')
            {
                _pos++;
                SkipSpaces();
                var at = _pos;
                if (string.CompareOrdinal(text, _pos, "except", 0, 6) == 0)
                {
                    _pos += 6;
                    excluded.AddRange(ParseExclusions(modulus));
                    break;
                }
                var range = ParseRange();
                if (!terms.Any(t => t.Parameter == range.Name))
                    throw Error($"parameter '{range.Name}' has a range but does not appear in the function", at);
                if (!ranges.TryAdd(range.Name, range)) throw Error($"parameter '{range.Name}' has two ranges", at);
                SkipSpaces();
            }
            if (Peek is { } c) throw c is '+' or '-' ? Error($"unexpected '{c}'") : UnknownOrUnexpected(c);

            foreach (var p in terms.Where(t => t.Parameter is not null).Select(t => t.Parameter!.Value).Distinct())
            {
                if (ranges.ContainsKey(p)) continue;
                var multipliesX = terms.Any(t => t.Parameter == p && t.Power > 0);
                ranges[p] = multipliesX ? new ParameterRange(p, -5, 5) : new ParameterRange(p, -10, 10);
            }
            var ordered = ranges.Values.OrderBy(r => r.Name).ToList();
            CheckCoefficientsFit(terms, ranges);
            var spec = new TaskSpec(text.Trim(), terms, modulus, ordered) { Excluded = excluded.Select(e => e.Function).Distinct().ToList() };
            if (excluded.Count > 0) CheckExclusions(spec, excluded);
            return spec;
        }

        /// <summary>The functions after "except", separated by commas, up to the end of the spec.</summary>
        private List<(IntegerFunction, int)> ParseExclusions(long? modulus)
        {
            var result = new List<(IntegerFunction, int)>();
            while (true)
            {
                SkipSpaces();
                var at = _pos;
                if (Peek is null) throw Error("expected a function after 'except', such as 'except 4x+1, 3x+7'");
                var terms = ParsePolynomial();
                if (terms.Any(t => t.Parameter is not null)) throw Error("an excluded function has no parameters; write it out, such as 4x+1", at);
                var sums = new BigInteger[terms.Max(t => t.Power) + 1];
                foreach (var t in terms) sums[t.Power] += t.Coefficient;
                if (sums.Any(c => c < long.MinValue || c > long.MaxValue))
                    throw Error("an excluded function has a coefficient beyond a 64-bit integer, so it is not a member of the family", at);
                var function = new IntegerFunction(sums.Select(c => (long)c).ToArray(), modulus);
                if (result.Any(e => e.Item1.Equals(function))) throw Error($"{function} is excluded twice", at, hint: "; list each function once");
                result.Add((function, at));
                SkipSpaces();
                if (Peek is null) return result;
                if (Peek != ',') throw Peek is { } c && char.IsLetter(c) && c != 'x' ? UnknownSymbol() : Error($"unexpected '{Peek}' (separate excluded functions with commas)");
                _pos++;
            }
        }

        private void CheckExclusions(TaskSpec spec, List<(IntegerFunction Function, int At)> excluded)
        {
            if (!spec.IsFamily) throw Error("'except' needs a family with parameters, such as 'ax+b, a in 0..5, b in 0..9, except 4x+1'", excluded[0].At);
            var full = spec with { Excluded = [] };
            // Checking membership enumerates the family; beyond a million members the check is skipped.
            if (full.MemberCount > 1_000_000) return;
            var members = full.Members().ToHashSet();
            foreach (var (function, at) in excluded)
                if (!members.Contains(function)) throw Error($"{function} is not a member of the family, so it cannot be excluded", at);
            // Counted over distinct functions: several parameter settings can give one function (ax+bx+1 at a = 1, b = 0 and at
            // a = 0, b = 1), so the count of settings minus exclusions can stay positive when nothing is left to draw.
            if (spec.MemberCount == 0 || members.All(m => excluded.Any(e => e.Function.Equals(m))))
                throw Error("'except' removes every member of the family", excluded[0].At);
        }

        /// <summary>
        /// Checks that every coefficient fits a 64-bit integer for every member (each parameter anywhere in its range), so
        /// that instantiating a member never overflows; the sums are exact (BigInteger), whatever the ranges.
        /// </summary>
        private void CheckCoefficientsFit(List<PolynomialTerm> terms, Dictionary<char, ParameterRange> ranges)
        {
            foreach (var power in terms.GroupBy(t => t.Power))
            {
                BigInteger lowest = 0, highest = 0;
                foreach (var term in power.Where(t => t.Parameter is null))
                {
                    lowest += term.Coefficient;
                    highest += term.Coefficient;
                }
                foreach (var parameter in power.Where(t => t.Parameter is not null).GroupBy(t => t.Parameter!.Value))
                {
                    // The parameter's terms at this power add up to m·p (m: the sum of their signs).
                    var m = parameter.Aggregate(BigInteger.Zero, (sum, t) => sum + t.Coefficient);
                    var range = ranges[parameter.Key];
                    BigInteger atMin = m * range.Min, atMax = m * range.Max;
                    lowest += BigInteger.Min(atMin, atMax);
                    highest += BigInteger.Max(atMin, atMax);
                }
                if (lowest >= long.MinValue && highest <= long.MaxValue) continue;
                var what = power.Key switch { 0 => "the constant term", 1 => "the coefficient of x", _ => $"the coefficient of x^{power.Key}" };
                var value = (highest > long.MaxValue ? highest : lowest).ToString(CultureInfo.InvariantCulture);
                var names = power.Where(t => t.Parameter is not null).Select(t => $"'{t.Parameter}'").Distinct().ToList();
                var fix = names.Count > 0 ? $"narrow the range of {string.Join(" and ", names)}" : "use smaller numbers";
                throw new FormatException($"task '{text}': {what} reaches {value}, beyond a 64-bit integer; {fix}");
            }
        }

        private List<PolynomialTerm> ParsePolynomial()
        {
            var terms = new List<PolynomialTerm>();
            SkipSpaces();
            var first = true;
            while (true)
            {
                SkipSpaces();
                long sign = 1;
                var signAt = _pos;
                if (Peek is '+' or '-')
                {
                    sign = Peek == '-' ? -1 : 1;
                    _pos++;
                }
                else if (!first) return terms;
                terms.Add(ParseTerm(sign, first ? null : text[signAt]));
                first = false;
            }
        }

        private PolynomialTerm ParseTerm(long sign, char? after)
        {
            SkipSpaces();
            var literal = ReadInteger(allowSign: false);
            char? parameter = null;
            SkipSpaces();
            if (Peek is >= 'a' and <= 'd')
            {
                if (literal is not null) throw Error($"a parameter cannot follow a number; write the family as {Peek}x+b, not {literal}{Peek}x");
                parameter = Peek;
                _pos++;
                SkipSpaces();
            }
            var hasCoefficient = literal is not null || parameter is not null;
            if (hasCoefficient && Peek == '*')
            {
                _pos++;
                SkipSpaces();
                if (Peek != 'x') throw Peek is { } c0 && char.IsLetter(c0) ? UnknownSymbol() : Error("expected 'x' after '*'");
            }
            var power = 0;
            if (Peek == 'x')
            {
                _pos++;
                power = 1;
                SkipSpaces();
                if (Peek == '^')
                {
                    _pos++;
                    SkipSpaces();
                    var at = _pos;
                    var exponent = ReadInteger(allowSign: false) ?? throw Error("expected an exponent after '^'");
                    if (exponent > MaxPower) throw Error($"exponent {exponent} is larger than {MaxPower}", at);
                    power = (int)exponent;
                }
            }
            else if (!hasCoefficient)
            {
                if (Peek is { } c && !(after is not null && c is '+' or '-' or '*' or '^' or ')' or ',')) throw UnknownOrUnexpected(c);
                throw Error(after is { } op ? $"expected a term after '{op}'" : "expected a term");
            }
            else if (Peek is { } c && char.IsLetter(c) && c != 'm')
            {
                throw UnknownSymbol();
            }
            return parameter is { } p
                ? new PolynomialTerm(power, sign, p)
                : new PolynomialTerm(power, checked(sign * (literal ?? 1)), null);
        }

        private ParameterRange ParseRange()
        {
            if (Peek is not (>= 'a' and <= 'd'))
                throw Peek is null ? Error("expected a range such as 'a in -5..5'") : Error($"expected a parameter (a, b, c or d) but found '{Peek}'");
            var name = Peek!.Value;
            _pos++;
            SkipSpaces();
            if (string.CompareOrdinal(text, _pos, "in", 0, 2) != 0) throw Error($"expected 'in' after '{name}' (as in '{name} in -5..5')");
            _pos += 2;
            SkipSpaces();
            var lo = ReadInteger(allowSign: true) ?? throw Error($"expected the lowest value of '{name}'");
            SkipSpaces();
            if (string.CompareOrdinal(text, _pos, "..", 0, 2) != 0) throw Error("expected '..' between the range ends");
            _pos += 2;
            SkipSpaces();
            var hiAt = _pos;
            var hi = ReadInteger(allowSign: true) ?? throw Error($"expected the highest value of '{name}'");
            if (hi < lo) throw Error($"range {lo}..{hi} of '{name}' is empty", hiAt);
            return new ParameterRange(name, lo, hi);
        }

        private long? ReadInteger(bool allowSign)
        {
            var start = _pos;
            if (allowSign && Peek is '-' or '+') _pos++;
            var digitsStart = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
            if (_pos == digitsStart)
            {
                _pos = start;
                return null;
            }
            if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw Error("number is too large", start);
            return value;
        }

        private FormatException UnknownOrUnexpected(char c) =>
            char.IsLetter(c) && c != 'x' ? UnknownSymbol() : Error($"unexpected '{c}'");

        private FormatException UnknownSymbol() =>
            Error($"unknown symbol '{text[_pos]}'", hint: " (the variable is x; family parameters are a, b, c, d)");
    }
}
