namespace Probing.Bayes;

/// <summary>
/// The emission side of the n-recurrence filter: P(x_j | n, t, φ, x_&lt;j) and the predictive distribution.
/// The recent-context fake target depends only on observed tokens, so the filter stays exact.
/// </summary>
internal static class NRecurrenceEmission
{
    /// <summary>Multiplies <paramref name="belief"/> by P(x | state) in place, normalises, and returns P(x | past).</summary>
    public static double Condition(NRecurrenceSpec spec, NRecurrenceStateLayout layout, double[] belief, List<int> history, int x)
    {
        var v = spec.VocabSize;
        var total = 0.0;
        for (var k = 0; k < layout.PeriodCount; k++)
        {
            var n = layout.Period(k);
            var noise = layout.NoiseProbabilities[k];
            var recent = RecentSet(spec, history, n);
            for (var t = 0; t < v; t++)
            {
                var baseIndex = layout.Index(k, t, 0);
                var target = x == t ? 1.0 - noise : noise * FakeProbability(spec, recent, t, x);
                var other = NonTargetProbability(spec, t, x);
                belief[baseIndex] *= target;
                total += belief[baseIndex];
                for (var phase = 1; phase < n; phase++)
                {
                    belief[baseIndex + phase] *= other;
                    total += belief[baseIndex + phase];
                }
            }
        }

        if (total > 0)
            for (var s = 0; s < belief.Length; s++) belief[s] /= total;
        return total;
    }

    /// <summary>P(next token = v | past) for every v, given the predicted state distribution.</summary>
    public static double[] PredictiveDistribution(NRecurrenceSpec spec, NRecurrenceStateLayout layout, double[] belief, List<int> history)
    {
        var v = spec.VocabSize;
        var p = new double[v];
        var everywhere = 0.0; // mass spread evenly over all tokens, added at the end
        for (var k = 0; k < layout.PeriodCount; k++)
        {
            var n = layout.Period(k);
            var noise = layout.NoiseProbabilities[k];
            var recent = RecentSet(spec, history, n);
            for (var t = 0; t < v; t++)
            {
                var baseIndex = layout.Index(k, t, 0);
                var targetMass = belief[baseIndex];
                var otherMass = 0.0;
                for (var phase = 1; phase < n; phase++) otherMass += belief[baseIndex + phase];

                // Non-target positions: uniform, with or without t.
                if (spec.TargetOutsideTargets) everywhere += otherMass / v;
                else
                {
                    everywhere += otherMass / (v - 1);
                    p[t] -= otherMass / (v - 1);
                }

                // Target positions: t, or a fake.
                p[t] += targetMass * (1.0 - noise);
                var fakeMass = targetMass * noise;
                if (fakeMass == 0.0) continue;
                var recentCount = recent is null ? 0 : recent.Count - (recent.Contains(t) ? 1 : 0);
                if (recentCount == 0)
                {
                    everywhere += fakeMass / (v - 1);
                    p[t] -= fakeMass / (v - 1);
                }
                else
                {
                    foreach (var token in recent!)
                        if (token != t) p[token] += fakeMass / recentCount;
                }
            }
        }

        for (var token = 0; token < v; token++) p[token] = Math.Max(0.0, p[token] + everywhere);
        return p;
    }

    /// <summary>The distinct tokens of the last 3n positions, or null when fakes are uniform.</summary>
    internal static HashSet<int>? RecentSet(NRecurrenceSpec spec, List<int> history, int n)
    {
        if (spec.FakeTarget != FakeTargetSource.RecentContext) return null;
        var set = new HashSet<int>();
        for (var j = Math.Max(0, history.Count - NRecurrenceSpec.RecentWindow(n)); j < history.Count; j++) set.Add(history[j]);
        return set;
    }

    /// <summary>P(fake = x | t): uniform over the recent set without t, or over the vocabulary without t.</summary>
    internal static double FakeProbability(NRecurrenceSpec spec, HashSet<int>? recent, int t, int x)
    {
        if (x == t) return 0.0;
        if (recent is not null)
        {
            var count = recent.Count - (recent.Contains(t) ? 1 : 0);
            if (count > 0) return recent.Contains(x) ? 1.0 / count : 0.0;
        }

        return 1.0 / (spec.VocabSize - 1);
    }

    private static double NonTargetProbability(NRecurrenceSpec spec, int t, int x) =>
        spec.TargetOutsideTargets ? 1.0 / spec.VocabSize : x == t ? 0.0 : 1.0 / (spec.VocabSize - 1);
}
