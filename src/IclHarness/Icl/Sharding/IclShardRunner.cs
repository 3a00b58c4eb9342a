using Probing.Bayes;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl.Sharding;

/// <summary>
/// Runs one shard of an ICL run (<see cref="IclShard"/>): scores the batches the shard owns, exactly as the
/// single-machine run scores them, saving each finished batch in the shard folder; a restarted shard skips the
/// batches already there. Shard 0 also runs the prediction sweep (it owns context 1). <see cref="Assemble"/> turns
/// finished batches into the run's result with the same arithmetic, in the same order, as <see cref="IclRunner"/>.
/// </summary>
internal static class IclShardRunner
{
    public static IclRunResult Run(IScoringModel model, ModelIdentity identity, IclRunOptions options, IclShard shard, string folder,
        IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        // options and shard were checked once, by the entry point (IclHarnessRun.RunShard), before the model was loaded.
        var store = new IclShardStore(folder);
        store.Claim(shard, options, identity);
        var batches = shard.Batches(options.Contexts, options.BatchContexts);
        var total = batches.Sum(b => IclShard.ContextsOf(b, options.Contexts, options.BatchContexts).Count);
        var idealFamily = options.EffectiveIdealFamily.Members().Select(f => (Func<long, long>)(x => SafeApply(f, x))).ToList();
        var numeric = new NumericTokens(model, options.MaxInteger);
        var scorer = new ContextScorer(model, options, numeric, idealFamily);
        if (options.Epsilon == 0)
            scorer.RequireExplained(batches.SelectMany(b => IclShard.ContextsOf(b, options.Contexts, options.BatchContexts)).Select(c => ContextPlan.Create(model, options, c)));

        var done = new List<IclShardBatch>();
        var finished = 0;
        var partial = false;
        progress?.Report(new IclProgress("contexts", 0, total));
        try
        {
            foreach (var b in batches)
            {
                var contexts = IclShard.ContextsOf(b, options.Contexts, options.BatchContexts);
                var batch = store.ReadBatch(b, contexts);
                if (batch is null)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var plans = contexts.Select(c => ContextPlan.Create(model, options, c)).ToList();
                    var scored = scorer.Score(plans, cancellation);
                    batch = new IclShardBatch(b, [.. scored.Select((s, i) =>
                        new IclShardContext(plans[i].Context, s.Examples, s.Lens, options.Lens ? s.Integers : []))]);
                    store.WriteBatch(batch);
                }
                done.Add(batch);
                finished += contexts.Count;
                progress?.Report(new IclProgress("contexts", finished, total));
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested && finished > 0)
        {
            partial = true;
        }

        IReadOnlyList<SweepPoint> sweep = [];
        string? sweepFailure = null;
        if (!partial && shard.OwnsSweep && options.EffectiveSweepShots.Count > 0)
        {
            try
            {
                sweepFailure = store.ReadSweepFailure();
                if (sweepFailure is null) sweep = store.ReadSweep() ?? RunSweep(model, options, store, progress, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                partial = true;
            }
            catch (Exception ex) when (IclRunner.IsSweepFailure(ex))
            {
                // As the single run: the batches are kept and the merge carries the same warning. Only a failure that a
                // rerun would repeat (the task or the model cannot be swept) is recorded; a failed llama_decode (out of
                // memory on a busy GPU, say) is this run's warning only, so the merge asks for a rerun, which retries it.
                sweepFailure = ex.Message;
                if (ex is not LlamaDecodeException) store.WriteSweepFailure(sweepFailure);
            }
        }
        return Assemble(options, identity, done, sweep, partial, sweepFailure);
    }

    private static List<SweepPoint> RunSweep(IScoringModel model, IclRunOptions options, IclShardStore store, IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        var sweep = SweepRunner.Run(model, options, ContextPlan.Create(model, options, 0), (d, t) => progress?.Report(new IclProgress("sweep", d, t)), cancellation);
        store.WriteSweep(sweep);
        return sweep;
    }

    /// <summary>
    /// The run's result from finished batches: examples and lens rows in context order, the integer lens summed
    /// context by context and divided by the contexts finished, then the summaries and the fit, as
    /// <see cref="IclRunner.Run"/> computes them, so equal inputs give equal bytes.
    /// </summary>
    internal static IclRunResult Assemble(IclRunOptions options, ModelIdentity model, IEnumerable<IclShardBatch> batches, IReadOnlyList<SweepPoint> sweep, bool partial,
        string? sweepFailure = null)
    {
        var examples = new List<ExampleMeasurement>();
        var lens = new List<LensMeasurement>();
        var integerSums = Enumerable.Range(0, model.Layers).Select(_ => new double[options.MaxInteger + 1]).ToArray();
        var finished = 0;
        var integerContexts = 0;
        foreach (var batch in batches.OrderBy(b => b.Batch))
            foreach (var context in batch.Contexts)
            {
                examples.AddRange(context.Examples);
                lens.AddRange(context.Lens);
                finished++;
                if (context.IntegerLens is not { } integers) continue;
                integerContexts++;
                for (var l = 0; l < integers.Length; l++)
                    for (var n = 0; n < integers[l].Length; n++) integerSums[l][n] += integers[l][n];
            }
        var integerLens = IclRunner.MeanIntegerLens(options, integerSums, integerContexts);
        var summaries = IclRunner.Summarize(examples, options.Examples);
        var fit = IclRunner.FitCurve(summaries);
        return new IclRunResult(options, model, finished, partial, examples, options.Lens ? lens : [], integerLens, sweep, summaries, fit)
        {
            Warnings = [.. (sweepFailure is null ? [] : new[] { IclRunner.SweepWarning(sweepFailure) }), .. IclRunner.Warnings(options, examples, finished, integerContexts)],
        };
    }

    private static long SafeApply(IntegerFunction f, long x)
    {
        try
        {
            return f.Apply(x);
        }
        catch (OverflowException)
        {
            return long.MinValue; // as IclRunner: no answer in range equals this, so the member simply mispredicts
        }
    }
}
