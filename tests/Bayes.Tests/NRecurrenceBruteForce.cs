using Probing.Bayes;

namespace Probing.Bayes.Tests;

/// <summary>
/// Brute-force reference for the n-recurrence observer: sums over every latent path (n_j, t_j, φ_j)_j,
/// written from the process definition in <see cref="NRecurrenceSpec"/> with no shared code.
/// </summary>
internal sealed class NRecurrenceBruteForce
{
    private readonly NRecurrenceSpec _spec;
    private readonly (int N, int T, int Phase)[] _states;
    private readonly int[] _tokens;
    private readonly double[,] _transition; // [from, to]
    private readonly double[][,] _emission; // [position][state, token]

    public NRecurrenceBruteForce(NRecurrenceSpec spec, int[] tokens)
    {
        _spec = spec;
        _tokens = tokens;
        _states = (from n in Enumerable.Range(spec.MinN, spec.MaxN - spec.MinN + 1)
                   from t in Enumerable.Range(0, spec.VocabSize)
                   from phase in Enumerable.Range(0, n)
                   select (n, t, phase)).ToArray();
        // Tabulate the definition once so the path sum below is only multiplications.
        _transition = new double[_states.Length, _states.Length];
        for (var a = 0; a < _states.Length; a++)
        for (var b = 0; b < _states.Length; b++) _transition[a, b] = Transition(_states[a], _states[b]);
        _emission = new double[tokens.Length + 1][,];
        for (var j = 0; j <= tokens.Length; j++)
        {
            _emission[j] = new double[_states.Length, spec.VocabSize];
            for (var a = 0; a < _states.Length; a++)
            for (var v = 0; v < spec.VocabSize; v++) _emission[j][a, v] = Emit(v, _states[a], j);
        }

        PrefixProbability = new double[tokens.Length];
        NextJoint = new double[tokens.Length, spec.VocabSize];
        LastN = new double[tokens.Length, spec.MaxN + 1];
        LastT = new double[tokens.Length, spec.VocabSize];
        FirstToken = new double[spec.VocabSize];
        for (var a = 0; a < _states.Length; a++)
        {
            var w = Prior(_states[a]);
            for (var v = 0; v < spec.VocabSize; v++) FirstToken[v] += w * _emission[0][a, v];
            Walk(0, a, w * _emission[0][a, tokens[0]]);
        }
    }

    /// <summary>P(x_0 … x_j).</summary>
    public double[] PrefixProbability { get; }

    /// <summary>P(x_0 … x_j, x_{j+1} = v).</summary>
    public double[,] NextJoint { get; }

    /// <summary>P(x_0 … x_j, n_j = n).</summary>
    public double[,] LastN { get; }

    /// <summary>P(x_0 … x_j, t_j = t).</summary>
    public double[,] LastT { get; }

    /// <summary>P(x_0 = v).</summary>
    public double[] FirstToken { get; }

    private void Walk(int j, int state, double weight)
    {
        if (weight == 0) return;
        PrefixProbability[j] += weight;
        LastN[j, _states[state].N] += weight;
        LastT[j, _states[state].T] += weight;
        for (var next = 0; next < _states.Length; next++)
        {
            var w = weight * _transition[state, next];
            if (w == 0) continue;
            for (var v = 0; v < _spec.VocabSize; v++) NextJoint[j, v] += w * _emission[j + 1][next, v];
            if (j + 1 < _tokens.Length) Walk(j + 1, next, w * _emission[j + 1][next, _tokens[j + 1]]);
        }
    }

    private double Prior((int N, int T, int Phase) s) =>
        1.0 / (_spec.MaxN - _spec.MinN + 1) / _spec.VocabSize / s.N;

    private double Transition((int N, int T, int Phase) from, (int N, int T, int Phase) to)
    {
        var p = _spec.TransitionProbability(from.N);
        var stay = to.N == from.N && to.T == from.T && to.Phase == (from.Phase + 1) % from.N ? 1 - p : 0.0;
        var periods = _spec.MaxN - _spec.MinN + 1;
        var v = _spec.VocabSize;
        var rule = _spec.Transition switch
        {
            TransitionKind.NAndT => (to.N, to.T) != (from.N, from.T) ? 1.0 / (periods * v - 1) : 0.0,
            TransitionKind.NOnly => to.T == from.T && to.N != from.N ? 1.0 / (periods - 1) : 0.0,
            _ => to.N == from.N && to.T != from.T ? 1.0 / (v - 1) : 0.0,
        };
        return stay + p * rule / to.N;
    }

    /// <summary>P(x_j = x | state), given the observed tokens before j.</summary>
    private double Emit(int x, (int N, int T, int Phase) s, int j)
    {
        var v = _spec.VocabSize;
        if (s.Phase != 0) return _spec.TargetOutsideTargets ? 1.0 / v : x == s.T ? 0.0 : 1.0 / (v - 1);
        var noise = _spec.NoiseProbability(s.N);
        if (x == s.T) return 1 - noise;
        if (_spec.FakeTarget == FakeTargetSource.RecentContext)
        {
            var recent = _tokens.Take(j).Skip(Math.Max(0, j - 3 * s.N)).Where(token => token != s.T).Distinct().ToArray();
            if (recent.Length > 0) return recent.Contains(x) ? noise / recent.Length : 0.0;
        }

        return noise / (v - 1);
    }
}
