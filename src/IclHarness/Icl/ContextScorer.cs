using Probing.Bayes;

namespace Probing.IclHarness.Icl;

/// <summary>Turns one batched teacher-forced pass over several contexts into per-example and lens measurements.</summary>
internal sealed class ContextScorer(IScoringModel model, IclRunOptions options, NumericTokens numeric, IReadOnlyList<Func<long, long>> idealFamily)
{
    /// <summary>
    /// Per context of the batch: its examples, lens rows, and the integer lens [layer][n] at its last answer, or null
    /// when that answer's first informative token is not a number (a minus sign of its own: that position predicts
    /// the sign, not an integer).
    /// </summary>
    public IReadOnlyList<(List<ExampleMeasurement> Examples, List<LensMeasurement> Lens, double[][]? Integers)> Score(
        IReadOnlyList<ContextPlan> plans, CancellationToken cancellation)
    {
        var requests = plans.Select(p => p.Request()).ToList();
        // (request, position) → (ln P(next token), rank of next token, argmax == next token)
        var stats = new Dictionary<(int, int), (double LogProb, int Rank, bool Greedy)>();
        var lensRows = plans.Select(_ => new List<LensMeasurement>()).ToList();
        var integers = plans.Select(_ => Enumerable.Range(0, model.LayerCount).Select(_ => new double[options.MaxInteger + 1]).ToArray()).ToList();

        model.Evaluate(requests, (r, pos, logProb, argMax, rank) =>
        {
            stats[(r, pos)] = (logProb, rank, argMax == plans[r].Tokens[pos + 1]);
        }, options.Lens ? (r, layer, pos, logits) =>
        {
            var plan = plans[r];
            var index = Array.FindIndex(plan.Answers, a => a.InformativeToken - 1 == pos);
            var target = plan.Tokens[pos + 1];
            var lse = Distribution.LogSumExp(logits);
            var top = Distribution.TopK(logits, 5, lse);
            lensRows[r].Add(new LensMeasurement(plan.Context, index + 1, layer,
                Math.Exp(Distribution.LogProb(logits, target, lse)), Distribution.Rank(logits, target),
                top.Select(t => Display(t.Token)).ToArray(), top.Select(t => Math.Exp(t.LogProb)).ToArray(),
                numeric.IsNumeric(top[0].Token)) { FirstToken = Display(target) });
            if (index == plan.Answers.Length - 1 && numeric.StartsWithDigit(target))
            {
                var row = integers[r][layer];
                for (var n = 0; n <= options.MaxInteger; n++)
                    foreach (var t in numeric.IntegerTokens[n]) row[n] += Math.Exp(Distribution.LogProb(logits, t, lse));
            }
        } : null, cancellation);

        var result = new List<(List<ExampleMeasurement>, List<LensMeasurement>, double[][]?)>();
        for (var r = 0; r < plans.Count; r++)
        {
            var plan = plans[r];
            var ideal = IdealFunctionLearner.Evaluate(idealFamily, plan.Examples.Select(e => (e.X, e.Y)).ToList(), options.Epsilon);
            var rows = new List<ExampleMeasurement>();
            var cumulative = 0.0;
            for (var e = 0; e < plan.Answers.Length; e++)
            {
                var a = plan.Answers[e];
                double nats = 0;
                var greedy = true;
                for (var pos = a.FirstAnswerToken - 1; pos < a.CloseToken; pos++)
                {
                    var s = stats[(r, pos)];
                    nats -= s.LogProb;
                    greedy &= s.Greedy;
                }
                var first = stats[(r, a.InformativeToken - 1)];
                var rank = first.Rank;
                var bits = Surprisal.NatsToBits(nats);
                cumulative += bits;
                rows.Add(new ExampleMeasurement
                {
                    Context = plan.Context, Function = plan.Function.ToString(), Index = e + 1, X = plan.Examples[e].X, Y = plan.Examples[e].Y,
                    ScoredTokens = a.ScoredCount, SurprisalNats = nats, SurprisalBits = bits, FirstTokenSurprisalBits = Surprisal.NatsToBits(-first.LogProb),
                    PCorrect = Math.Exp(-nats), FirstTokenRank = rank, GreedyCorrect = greedy, CumulativeBits = cumulative,
                    IdealSurprisalBits = ideal.SurprisalBits[e], FirstToken = Display(plan.Tokens[a.InformativeToken]),
                });
            }
            var lens = lensRows[r].OrderBy(l => l.Index).ThenBy(l => l.Layer).ToList();
            var last = plan.Tokens[plan.Answers[^1].InformativeToken];
            result.Add((rows, lens, numeric.StartsWithDigit(last) ? integers[r] : null));
        }
        return result;
    }

    /// <summary>A token as written to the CSVs: bytes that are not a whole character as &lt;0xNN&gt;, a control piece that renders to nothing as &lt;id N&gt;.</summary>
    private string Display(int token)
    {
        var text = Llama.TokenText.Readable(model.PieceBytes(token));
        return text.Length > 0 ? text : $"<id {token}>";
    }
}
