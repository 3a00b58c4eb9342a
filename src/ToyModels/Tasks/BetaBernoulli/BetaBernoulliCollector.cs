using Probing.ToyModels.Analysis;
namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Runs a model over enumerated prefixes and sampled sequences and keeps what the analyses read.</summary>
public static class BetaBernoulliCollector
{
    private const int ChunkSize = 4096;

    /// <summary>
    /// Runs all 2^maxFlips flip sequences (maxFlips is capped by the model's context) and records the
    /// prediction after each distinct prefix; activations of <paramref name="hooks"/> are kept for prefixes of
    /// length ≤ <paramref name="residualMaxFlips"/>.
    /// </summary>
    public static EnumeratedPrefixes Enumerate(IHookedSequenceModel model, BetaBernoulliDataOptions options, int maxFlips, int residualMaxFlips, IReadOnlyCollection<string> hooks, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var capacity = options.Bos ? options.NCtx - 1 : options.NCtx;
        maxFlips = Math.Min(maxFlips, capacity);
        if (maxFlips < 1) throw new ArgumentException($"enumeration needs at least 1 flip (got {maxFlips}).");
        if (maxFlips > 24) throw new ArgumentException($"enumerating 2^{maxFlips} sequences is too many; use at most 24 flips.");
        residualMaxFlips = Math.Min(residualMaxFlips, maxFlips);
        var minFlips = options.Bos ? 0 : 1;
        var seqLen = PositionOf(maxFlips, options.Bos) + 1;
        var pHeads = new double[maxFlips + 1][];
        var pTails = new double[maxFlips + 1][];
        for (var n = 0; n <= maxFlips; n++) pHeads[n] = n >= minFlips ? new double[1L << n] : [];
        for (var n = 0; n <= maxFlips; n++) pTails[n] = n >= minFlips ? new double[1L << n] : [];
        var residuals = new Dictionary<string, float[][]>();
        var widths = new Dictionary<string, int>();
        var total = 1L << maxFlips;
        var logProbs = new double[model.DVocab];
        for (long start = 0; start < total; start += ChunkSize)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = (int)Math.Min(ChunkSize, total - start);
            // Activations are only needed for chunks that hold some prefix of length ≤ residualMaxFlips.
            var wantHooks = start < (1L << residualMaxFlips) ? hooks : [];
            var tokens = new long[batch * seqLen];
            for (var b = 0; b < batch; b++) WriteTokens(start + b, maxFlips, options.Bos, tokens.AsSpan(b * seqLen, seqLen));
            var run = model.Run(tokens, batch, seqLen, wantHooks);
            foreach (var (name, act) in run.Activations)
            {
                if (!residuals.ContainsKey(name))
                {
                    widths[name] = act.Width;
                    residuals[name] = Enumerable.Range(0, residualMaxFlips + 1).Select(n => n >= minFlips ? new float[(1L << n) * act.Width] : []).ToArray();
                }
            }

            for (var b = 0; b < batch; b++)
            {
                var x = start + b;
                var firstN = Math.Max(minFlips, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)x));
                for (var n = firstN; n <= maxFlips; n++)
                {
                    var pos = PositionOf(n, options.Bos);
                    BetaBernoulliMetrics.LogSoftmax(run.Logits.AsSpan((b * seqLen + pos) * model.DVocab, model.DVocab), logProbs);
                    pHeads[n][x] = Math.Exp(logProbs[BetaBernoulliDataOptions.Heads]);
                    pTails[n][x] = Math.Exp(logProbs[BetaBernoulliDataOptions.Tails]);
                    if (n > residualMaxFlips) continue;
                    foreach (var (name, act) in run.Activations)
                        act.Values.AsSpan((b * seqLen + pos) * act.Width, act.Width).CopyTo(residuals[name][n].AsSpan((int)x * act.Width, act.Width));
                }
            }
        }

        return new EnumeratedPrefixes(minFlips, maxFlips, pHeads, pTails,
            residuals.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<float[]>)kv.Value), widths, residualMaxFlips);
    }

    /// <summary>
    /// Samples <paramref name="sequences"/> sequences from the data distribution (seeded) and records the
    /// activations of <paramref name="hooks"/> at every predicted position with H, N and the Bayes predictive.
    /// </summary>
    public static ProbeSamples Sample(IHookedSequenceModel model, BetaBernoulliDataOptions options, BetaBernoulliReference reference, int sequences, int seed, IReadOnlyCollection<string> hooks, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(reference);
        var sampler = new BetaBernoulliSampler(options);
        var rng = new Random(seed);
        var n = options.NCtx;
        var heads = new List<int>();
        var flips = new List<int>();
        var posterior = new List<double>();
        var modelP = new List<double>();
        var features = new Dictionary<string, List<float>>();
        var widths = new Dictionary<string, int>();
        var logProbs = new double[model.DVocab];
        for (var done = 0; done < sequences; done += ChunkSize)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = sampler.Sample(Math.Min(ChunkSize, sequences - done), rng);
            var run = model.Run(batch.Tokens, batch.Batch, n, hooks);
            foreach (var (name, act) in run.Activations)
            {
                widths[name] = act.Width;
                if (!features.ContainsKey(name)) features[name] = [];
            }

            for (var b = 0; b < batch.Batch; b++)
            {
                var h = 0;
                for (var j = 0; j < n; j++)
                {
                    if (batch.Tokens[b * n + j] == BetaBernoulliDataOptions.Heads) h++;
                    if (!reference.HasTarget(j)) continue;
                    var seen = options.FlipsSeenAt(j);
                    heads.Add(h);
                    flips.Add(seen);
                    posterior.Add(reference.Predictive(h, seen));
                    BetaBernoulliMetrics.LogSoftmax(run.Logits.AsSpan((b * n + j) * model.DVocab, model.DVocab), logProbs);
                    modelP.Add(Math.Exp(logProbs[BetaBernoulliDataOptions.Heads]));
                    foreach (var (name, act) in run.Activations)
                        features[name].AddRange(act.Values.AsSpan((b * n + j) * act.Width, act.Width));
                }
            }
        }

        return new ProbeSamples(heads.ToArray(), flips.ToArray(), posterior.ToArray(), modelP.ToArray(),
            features.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()), widths);
    }

    /// <summary>The input position at which the model has seen <paramref name="flips"/> flips.</summary>
    public static int PositionOf(int flips, bool bos) => bos ? flips : flips - 1;

    /// <summary>Writes the token row for prefix bits <paramref name="x"/> of length <paramref name="flips"/>.</summary>
    public static void WriteTokens(long x, int flips, bool bos, Span<long> row)
    {
        var offset = 0;
        if (bos) row[offset++] = BetaBernoulliDataOptions.BosToken;
        for (var k = 0; k < flips; k++) row[offset + k] = (x >> k) & 1;
    }
}
