using Probing.Bayes;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Scoring;

/// <summary>Turns one batched teacher-forced pass over several contexts into per-example and lens measurements.</summary>
internal sealed class ContextScorer(IScoringModel model, IclRunOptions options, NumericTokens numeric, IReadOnlyList<Func<long, long>> idealFamily)
{
    /// <summary>
    /// With ε = 0 the ideal learner gives probability 0 (infinite surprisal) to a context no member of its family explains:
    /// refused before the model pass, naming the two options that fix it. The runs call it for every context before the
    /// first batch (the examples depend on the seed alone), so no finished batch is lost to it.
    /// </summary>
    public void RequireExplained(IEnumerable<ContextPlan> plans)
    {
        if (options.Epsilon != 0) return;
        foreach (var plan in plans) RequireExplained(plan);
    }

    private void RequireExplained(ContextPlan plan)
    {
        if (idealFamily.Any(f => plan.Examples.All(e => f(e.X) == e.Y))) return;
        throw new ArgumentException(
            $"with Epsilon 0 the ideal learner cannot explain context {plan.Context} ({plan.Function}): no member of its family '{options.EffectiveIdealFamily.Canonical}' gives all its examples; pass Epsilon > 0 (the default is 1e-6), or a family (IdealFamily) that contains the task")
            .Naming(nameof(IclRunOptions.Epsilon), nameof(IclRunOptions.IdealFamily));
    }

    /// <summary>
    /// Per context of the batch: its examples, lens rows, and the integer lens [layer][n] at its last answer, or null
    /// when that answer's first informative token is not a number (a minus sign of its own: that position predicts
    /// the sign, not an integer).
    /// </summary>
    public IReadOnlyList<(List<ExampleMeasurement> Examples, List<LensMeasurement> Lens, double[][]? Integers)> Score(
        IReadOnlyList<ContextPlan> plans, CancellationToken cancellation)
    {
        RequireExplained(plans);
        var requests = plans.Select(p => p.Request()).ToList();
        var evaluated = model.Evaluate(requests, options.Lens, cancellation);
        var lensRows = plans.Select(_ => new List<LensMeasurement>()).ToList();
        // An integer with no token of its own (10..100 on a character vocabulary) has no probability to measure: NaN,
        // which lens_integers.csv writes as an empty cell (the CSV rule for missing values), never as 0.
        var integers = plans.Select(_ => Enumerable.Range(0, model.LayerCount).Select(_ => Enumerable.Range(0, options.MaxInteger + 1)
            .Select(n => numeric.IntegerTokens[n].Count == 0 ? double.NaN : 0.0).ToArray()).ToArray()).ToList();
        if (options.Lens)
        {
            // One reused buffer of at most LensBlockFloats: the rows are unembedded a block at a time, so memory does not
            // grow with layers × examples × d_vocab (32 layers × 100 answers × 128k would be 1.6 GB).
            var block = (int)Math.Clamp(LensBlockFloats / model.VocabSize, 1, int.MaxValue);
            var logits = Array.Empty<float>();
            for (var r = 0; r < plans.Count; r++)
            {
                cancellation.ThrowIfCancellationRequested();
                var positions = requests[r].DistributionPositions;
                var rows = model.LayerCount * positions.Length;
                if (rows == 0) continue;
                var residuals = evaluated[r].LensResiduals ?? throw new InvalidOperationException("the model returned no lens residuals"); // [layer, positions, d_model]
                var width = residuals.Length / rows;
                var summaries = new (double PCorrect, int Rank, TopToken[] Top)[rows];
                for (var first = 0; first < rows; first += block)
                {
                    var count = Math.Min(block, rows - first);
                    if (logits.LongLength < (long)count * model.VocabSize) logits = new float[(long)count * model.VocabSize];
                    model.LensLogits(residuals.AsSpan(first * width, count * width), count, logits); // [count, d_vocab]
                    SummarizeLensRows(plans[r], positions, logits, first, count, summaries, integers[r]);
                }
                AddLensRows(plans[r], positions, summaries, lensRows[r]);
            }
        }

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
                    var s = evaluated[r].At(pos);
                    nats -= s.LogProbNext;
                    greedy &= s.ArgMax == plan.Tokens[pos + 1];
                }
                var first = evaluated[r].At(a.InformativeToken - 1);
                var rank = first.RankNext;
                var bits = Surprisal.NatsToBits(nats);
                cumulative += bits;
                rows.Add(new ExampleMeasurement
                {
                    Context = plan.Context, Function = plan.Function.ToString(), Index = e + 1, X = plan.Examples[e].X, Y = plan.Examples[e].Y,
                    ScoredTokens = a.ScoredCount, SurprisalNats = nats, SurprisalBits = bits, FirstTokenSurprisalBits = Surprisal.NatsToBits(-first.LogProbNext),
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

    /// <summary>Most floats of lens logits held at once (default 32 MB); the numbers do not depend on it.</summary>
    internal long LensBlockFloats { get; init; } = 8L << 20;

    /// <summary>
    /// Rows [<paramref name="first"/>, +<paramref name="count"/>) of the [layer, positions] lens grid, whose logits are the
    /// first rows of <paramref name="logits"/>: each row's P(correct), rank and top tokens, and the integer lens at the
    /// last answer (one row per layer, so no two rows add to the same array). Rows are summarized in parallel; each
    /// row's sums run in the same order as alone.
    /// </summary>
    private void SummarizeLensRows(ContextPlan plan, int[] positions, float[] logits, int first, int count,
        (double PCorrect, int Rank, TopToken[] Top)[] summaries, double[][] integers)
    {
        var vocab = model.VocabSize;
        Parallel.For(0, count, i =>
        {
            var row = first + i;
            var layer = row / positions.Length;
            var pos = positions[row % positions.Length];
            var index = Array.FindIndex(plan.Answers, a => a.InformativeToken - 1 == pos);
            var target = plan.Tokens[pos + 1];
            var span = logits.AsSpan((int)((long)i * vocab), vocab); // [d_vocab]
            var statistics = LogSoftmax.Statistics(span, target);
            var lse = statistics.LogSumExp;
            summaries[row] = (Math.Exp(span[target] - lse), statistics.Rank, LogSoftmax.TopK(span, 5, lse));
            if (index == plan.Answers.Length - 1 && numeric.StartsWithDigit(target))
            {
                var integer = integers[layer];
                for (var n = 0; n <= options.MaxInteger; n++)
                    foreach (var t in numeric.IntegerTokens[n]) integer[n] += Math.Exp(span[t] - lse);
            }
        });
    }

    /// <summary>
    /// The lens rows of one context, layer-major over <paramref name="positions"/>, from their summaries: the correct first
    /// informative token's probability and rank and the top 5, added in row order.
    /// </summary>
    private void AddLensRows(ContextPlan plan, int[] positions, (double PCorrect, int Rank, TopToken[] Top)[] summaries, List<LensMeasurement> lensRows)
    {
        var rows = summaries.Length;
        for (var row = 0; row < rows; row++)
        {
            var pos = positions[row % positions.Length];
            var index = Array.FindIndex(plan.Answers, a => a.InformativeToken - 1 == pos);
            var target = plan.Tokens[pos + 1];
            var (pCorrect, rank, top) = summaries[row];
            lensRows.Add(new LensMeasurement(plan.Context, index + 1, row / positions.Length, pCorrect, rank,
                top.Select(t => Display(t.Id)).ToArray(), top.Select(t => Math.Exp(t.LogProb)).ToArray(),
                numeric.IsNumeric(top[0].Id)) { FirstToken = Display(target) });
        }
    }

    /// <summary>A token as written to the CSVs: bytes that are not a whole character as &lt;0xNN&gt;, a control piece that renders to nothing as &lt;id N&gt;.</summary>
    private string Display(int token)
    {
        var text = Llama.TokenText.Readable(model.PieceBytes(token));
        return text.Length > 0 ? text : $"<id {token}>";
    }
}
