namespace Probing.Bayes;

/// <summary>
/// Indexing of the n-recurrence latent states (n, t, φ) into one flat vector, and the transition step.
/// State (n = MinN + k, t, φ) lives at Offsets[k] + t·n + φ.
/// </summary>
internal sealed class NRecurrenceStateLayout
{
    private readonly NRecurrenceSpec _spec;

    public NRecurrenceStateLayout(NRecurrenceSpec spec)
    {
        _spec = spec;
        PeriodCount = spec.MaxN - spec.MinN + 1;
        Offsets = new int[PeriodCount];
        var size = 0;
        for (var k = 0; k < PeriodCount; k++)
        {
            Offsets[k] = size;
            size += (spec.MinN + k) * spec.VocabSize;
        }

        Size = size;
        TransitionProbabilities = Enumerable.Range(0, PeriodCount).Select(k => spec.TransitionProbability(Period(k))).ToArray();
        NoiseProbabilities = Enumerable.Range(0, PeriodCount).Select(k => spec.NoiseProbability(Period(k))).ToArray();
    }

    /// <summary>p_transition for each period index k.</summary>
    public double[] TransitionProbabilities { get; }

    /// <summary>p_noise for each period index k.</summary>
    public double[] NoiseProbabilities { get; }

    public int PeriodCount { get; }

    public int[] Offsets { get; }

    public int Size { get; }

    public int Period(int k) => _spec.MinN + k;

    public int Index(int k, int t, int phase) => Offsets[k] + t * Period(k) + phase;

    /// <summary>n uniform, t uniform, φ uniform on 0 … n−1.</summary>
    public double[] Prior()
    {
        var prior = new double[Size];
        for (var k = 0; k < PeriodCount; k++)
        {
            var n = Period(k);
            var mass = 1.0 / (PeriodCount * (double)_spec.VocabSize * n);
            Array.Fill(prior, mass, Offsets[k], n * _spec.VocabSize);
        }

        return prior;
    }

    /// <summary>One step of the latent Markov chain: P(s_{j+1}) from P(s_j).</summary>
    public double[] Transition(double[] current)
    {
        var v = _spec.VocabSize;
        var next = new double[Size];
        var redraw = new double[PeriodCount, v]; // M(n, t): mass leaving rule (n, t) through a transition
        var redrawTotal = 0.0;
        for (var k = 0; k < PeriodCount; k++)
        {
            var n = Period(k);
            var p = TransitionProbabilities[k];
            var stay = 1.0 - p;
            for (var t = 0; t < v; t++)
            {
                var baseIndex = Index(k, t, 0);
                var pairMass = current[baseIndex + n - 1];
                next[baseIndex] = stay * pairMass; // the last phase wraps to the target phase
                for (var phase = 0; phase < n - 1; phase++)
                {
                    var m = current[baseIndex + phase];
                    pairMass += m;
                    next[baseIndex + phase + 1] = stay * m;
                }

                redraw[k, t] = p * pairMass;
                redrawTotal += p * pairMass;
            }
        }

        if (redrawTotal == 0.0) return next;
        for (var k = 0; k < PeriodCount; k++)
        {
            var n = Period(k);
            for (var t = 0; t < v; t++)
            {
                var arriving = ArrivingMass(redraw, redrawTotal, k, t);
                if (arriving == 0.0) continue;
                var perPhase = arriving / n; // the new rule starts at a uniform phase
                var baseIndex = Index(k, t, 0);
                for (var phase = 0; phase < n; phase++) next[baseIndex + phase] += perPhase;
            }
        }

        return next;
    }

    /// <summary>The transition mass that lands on rule (n_k, t): uniform over the allowed rules other than the source.</summary>
    private double ArrivingMass(double[,] redraw, double redrawTotal, int k, int t)
    {
        var v = _spec.VocabSize;
        switch (_spec.Transition)
        {
            case TransitionKind.NAndT:
                return (redrawTotal - redraw[k, t]) / (PeriodCount * v - 1);
            case TransitionKind.NOnly:
            {
                if (PeriodCount < 2) return 0.0;
                var sum = 0.0;
                for (var other = 0; other < PeriodCount; other++) if (other != k) sum += redraw[other, t];
                return sum / (PeriodCount - 1);
            }
            default:
            {
                var sum = 0.0;
                for (var other = 0; other < v; other++) if (other != t) sum += redraw[k, other];
                return sum / (v - 1);
            }
        }
    }

    /// <summary>P(position is a target) = mass on φ = 0.</summary>
    public double TargetMass(double[] belief)
    {
        var mass = 0.0;
        for (var k = 0; k < PeriodCount; k++)
        for (var t = 0; t < _spec.VocabSize; t++)
            mass += belief[Index(k, t, 0)];
        return mass;
    }

    /// <summary>Posterior marginals over n and over t, and the entropy of the joint (n, t) posterior.</summary>
    public (double[] N, double[] T, double Entropy) Marginals(double[] belief)
    {
        var v = _spec.VocabSize;
        var pn = new double[PeriodCount];
        var pt = new double[v];
        var entropy = 0.0;
        for (var k = 0; k < PeriodCount; k++)
        {
            var n = Period(k);
            for (var t = 0; t < v; t++)
            {
                var baseIndex = Index(k, t, 0);
                var mass = 0.0;
                for (var phase = 0; phase < n; phase++) mass += belief[baseIndex + phase];
                pn[k] += mass;
                pt[t] += mass;
                if (mass > 0) entropy -= mass * Math.Log(mass);
            }
        }

        return (pn, pt, entropy);
    }
}
