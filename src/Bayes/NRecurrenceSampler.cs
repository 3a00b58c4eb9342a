namespace Probing.Bayes;

/// <summary>
/// A reference sampler of the process in <see cref="NRecurrenceSpec"/>, step for step as documented there.
/// Data generators elsewhere can be checked against it (or use it).
/// </summary>
public static class NRecurrenceSampler
{
    /// <summary>Draws one sequence of <paramref name="length"/> tokens.</summary>
    /// <exception cref="ArgumentException">The spec is invalid or length &lt; 1.</exception>
    public static NRecurrenceSample Sample(NRecurrenceSpec spec, int length, Random random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(random);
        spec.Validate();
        if (length < 1) throw new ArgumentException($"the sequence length must be at least 1 (got {length}).");
        var v = spec.VocabSize;
        var tokens = new int[length];
        var ns = new int[length];
        var targets = new int[length];
        var isTarget = new bool[length];
        var isFake = new bool[length];
        var transitions = new bool[length];
        var n = random.Next(spec.MinN, spec.MaxN + 1);
        var t = random.Next(v);
        var phase = random.Next(n);
        var history = new List<int>(length);
        for (var j = 0; j < length; j++)
        {
            ns[j] = n;
            targets[j] = t;
            isTarget[j] = phase == 0;
            int x;
            if (phase == 0)
            {
                if (random.NextDouble() < spec.NoiseProbability(n))
                {
                    isFake[j] = true;
                    x = DrawFake(spec, history, n, t, random);
                }
                else x = t;
            }
            else x = spec.TargetOutsideTargets ? random.Next(v) : DrawOther(v, t, random);

            tokens[j] = x;
            history.Add(x);
            if (random.NextDouble() < spec.TransitionProbability(n))
            {
                transitions[j] = true;
                (n, t) = Redraw(spec, n, t, random);
                phase = random.Next(n);
            }
            else phase = (phase + 1) % n;
        }

        return new NRecurrenceSample(tokens, ns, targets, isTarget, isFake, transitions);
    }

    private static int DrawOther(int v, int t, Random random)
    {
        var x = random.Next(v - 1);
        return x >= t ? x + 1 : x;
    }

    private static int DrawFake(NRecurrenceSpec spec, List<int> history, int n, int t, Random random)
    {
        var recent = NRecurrenceEmission.RecentSet(spec, history, n);
        if (recent is not null)
        {
            var candidates = recent.Where(token => token != t).OrderBy(token => token).ToArray();
            if (candidates.Length > 0) return candidates[random.Next(candidates.Length)];
        }

        return DrawOther(spec.VocabSize, t, random);
    }

    private static (int N, int T) Redraw(NRecurrenceSpec spec, int n, int t, Random random)
    {
        var v = spec.VocabSize;
        switch (spec.Transition)
        {
            case TransitionKind.NOnly:
            {
                var other = random.Next(spec.MaxN - spec.MinN);
                var newN = spec.MinN + other;
                return (newN >= n ? newN + 1 : newN, t);
            }
            case TransitionKind.TOnly:
                return (n, DrawOther(v, t, random));
            default:
            {
                // Uniform over the other (n, t) pairs: index the pairs and skip the current one.
                var pairs = (spec.MaxN - spec.MinN + 1) * v;
                var current = (n - spec.MinN) * v + t;
                var pick = random.Next(pairs - 1);
                if (pick >= current) pick++;
                return (spec.MinN + pick / v, pick % v);
            }
        }
    }
}
