using System.Diagnostics;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl;

/// <summary>The result of <see cref="IclBench.Run"/>: seconds per repetition (best of the repeats).</summary>
/// <param name="Contexts">Contexts measured.</param>
/// <param name="Examples">Examples per context.</param>
/// <param name="Tokens">Tokens decoded per repetition.</param>
/// <param name="PlainSeconds">llama.cpp decode of the same tokens, same batches, logits of the last token only.</param>
/// <param name="HarnessSeconds">The harness's measurement pass (surprisal, rank, greedy), lens off, in the default mode.</param>
/// <param name="HarnessLensSeconds">The same with the logit lens at every layer.</param>
/// <param name="HarnessOtherModeSeconds">The measurement pass in the other mode (see <see cref="BatchedDefault"/>).</param>
/// <param name="BatchedDefault">Whether the default mode decodes all contexts in one batch with logits everywhere (else one decode per context, outputs only where scored).</param>
public sealed record IclBenchResult(int Contexts, int Examples, int Tokens, double PlainSeconds, double HarnessSeconds, double HarnessLensSeconds,
    double HarnessOtherModeSeconds, bool BatchedDefault)
{
    /// <summary>Harness / plain decode (target ≤ 1.3).</summary>
    public double Ratio => HarnessSeconds / PlainSeconds;

    /// <summary>The other mode / plain decode.</summary>
    public double OtherModeRatio => HarnessOtherModeSeconds / PlainSeconds;

    /// <summary>Harness with lens / plain decode.</summary>
    public double LensRatio => HarnessLensSeconds / PlainSeconds;
}

/// <summary>
/// <c>probe bench icl</c>: the harness's teacher-forced measurement of R contexts × K examples against a plain
/// llama.cpp decode of exactly the same token sequences in the same batches, timed side by side in one process.
/// </summary>
public static class IclBench
{
    /// <summary>Measures; each figure is the best of <paramref name="repeats"/> after one warm-up.</summary>
    public static IclBenchResult Run(string modelPath, int contexts = 16, int examples = 12, int repeats = 3, int threads = 0, int batchContexts = 16)
    {
        using var model = new LlamaScoringModel(LlamaModel.Load(modelPath), ownsModel: true, threads);
        using var other = new LlamaScoringModel(model.Model, ownsModel: false, threads) { BatchAcrossRequests = !model.BatchAcrossRequests };
        var template = PromptTemplate.Load(PromptTemplate.DefaultName, PromptTemplate.DefaultDirectory);
        var options = new IclRunOptions(TaskParser.Parse("2x+3"), template, examples, Contexts: contexts, SweepShots: [], BatchContexts: batchContexts, Lens: false);
        var plans = Enumerable.Range(0, contexts).Select(c => ContextPlan.Create(model, options, c)).ToList();
        var family = options.EffectiveIdealFamily.Members().Select(f => (Func<long, long>)f.Apply).ToList();
        var numeric = new NumericTokens(model, options.MaxInteger);
        var batches = plans.Chunk(batchContexts).ToList();

        double Time(Action action)
        {
            action(); // warm-up
            var best = double.MaxValue;
            for (var r = 0; r < Math.Max(1, repeats); r++)
            {
                var sw = Stopwatch.StartNew();
                action();
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            return best;
        }

        var plain = Time(() =>
        {
            foreach (var batch in batches)
            {
                var context = model.Context(batch.Sum(p => p.Tokens.Length), batch.Length);
                context.ClearMemory();
                context.Evaluate(batch.Select((p, i) => new SequenceInput(p.Tokens, i)).ToList(), new EvaluationOptions { AllPositions = false });
            }
        });
        var scorer = new ContextScorer(model, options, numeric, family);
        var harness = Time(() => { foreach (var batch in batches) scorer.Score(batch, CancellationToken.None); });
        var lensScorer = new ContextScorer(model, options with { Lens = true }, numeric, family);
        var lens = Time(() => { foreach (var batch in batches) lensScorer.Score(batch, CancellationToken.None); });
        var otherScorer = new ContextScorer(other, options, numeric, family);
        var otherMode = Time(() => { foreach (var batch in batches) otherScorer.Score(batch, CancellationToken.None); });
        return new IclBenchResult(contexts, examples, plans.Sum(p => p.Tokens.Length), plain, harness, lens, otherMode, model.BatchAcrossRequests);
    }
}
