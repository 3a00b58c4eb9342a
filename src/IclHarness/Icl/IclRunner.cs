using Probing.Bayes;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;

namespace Probing.IclHarness.Icl;

/// <summary>
/// Runs the ICL measurements on a model: draws the contexts, scores them in batches (one teacher-forced
/// pass per context), runs the lens and the sweep, and fits the two-hypothesis model. Ctrl-C (the token)
/// stops after the batch in flight and returns the finished contexts marked partial.
/// </summary>
internal static class IclRunner
{
    public static IclRunResult Run(IScoringModel model, ModelIdentity identity, IclRunOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        // options were checked once, by the entry point (IclHarnessRun.Run), before the model was loaded.
        var plans = Enumerable.Range(0, options.Contexts).Select(c => ContextPlan.Create(model, options, c)).ToList();
        var idealFamily = options.EffectiveIdealFamily.Members().Select(f => (Func<long, long>)(x => SafeApply(f, x))).ToList();
        var numeric = new NumericTokens(model, options.MaxInteger);
        var scorer = new ContextScorer(model, options, numeric, idealFamily);
        scorer.RequireExplained(plans);

        var examples = new List<ExampleMeasurement>();
        var lens = new List<LensMeasurement>();
        var integerSums = Enumerable.Range(0, model.LayerCount).Select(_ => new double[options.MaxInteger + 1]).ToArray();
        var finished = 0;
        var integerContexts = 0;
        var partial = false;
        progress?.Report(new IclProgress("contexts", 0, plans.Count));
        try
        {
            for (var start = 0; start < plans.Count; start += options.BatchContexts)
            {
                cancellation.ThrowIfCancellationRequested();
                var batch = plans.Skip(start).Take(options.BatchContexts).ToList();
                foreach (var (rows, lensRows, integers) in scorer.Score(batch, cancellation))
                {
                    examples.AddRange(rows);
                    lens.AddRange(lensRows);
                    if (integers is null) continue;
                    integerContexts++;
                    for (var l = 0; l < integers.Length; l++)
                        for (var n = 0; n < integers[l].Length; n++) integerSums[l][n] += integers[l][n];
                }
                finished += batch.Count;
                progress?.Report(new IclProgress("contexts", finished, plans.Count));
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested && finished > 0)
        {
            partial = true;
        }

        var sweep = new List<SweepPoint>();
        var warnings = new List<string>();
        if (!partial && options.EffectiveSweepShots.Count > 0)
        {
            try
            {
                sweep = SweepRunner.Run(model, options, plans[0], (d, t) => progress?.Report(new IclProgress("sweep", d, t)), cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                partial = true;
            }
            catch (Exception ex) when (IsSweepFailure(ex))
            {
                // The contexts are measured: a sweep that cannot run must not take them with it.
                sweep = [];
                warnings.Add(SweepWarning(ex.Message));
            }
        }

        var integerLens = MeanIntegerLens(options, integerSums, integerContexts);
        warnings.AddRange(Warnings(options, examples, finished, integerContexts, idealFamily));
        var summaries = Summarize(examples, options.Examples);
        var fit = FitCurve(summaries);
        return new IclRunResult(options, identity, finished, partial, examples, options.Lens ? lens : [], integerLens, sweep, summaries, fit)
        {
            Warnings = warnings,
        };
    }

    /// <summary>Whether <paramref name="ex"/> is a sweep that cannot run on this model or task (kept as a warning), not a fault.</summary>
    internal static bool IsSweepFailure(Exception ex) =>
        ex is ArgumentException or NotSupportedException or InvalidOperationException or InvalidDataException;

    /// <summary>The warning a run (single or merged from shards) gives when its prediction sweep could not run.</summary>
    internal static string SweepWarning(string reason) => $"the prediction sweep did not run ({reason}); every other measurement is complete";

    /// <summary>[layer][n]: the integer lens summed over <paramref name="contexts"/> contexts, as their mean; empty without the lens.</summary>
    internal static double[][] MeanIntegerLens(IclRunOptions options, double[][] sums, int contexts) =>
        options.Lens && contexts > 0 ? sums.Select(row => row.Select(v => v / contexts).ToArray()).ToArray() : [];

    /// <summary>
    /// The run's warnings after its contexts (one place, so a merged sharded run says exactly what the single run says):
    /// contexts left out of lens_integers, and contexts that the ideal learner's family does not explain.
    /// </summary>
    internal static IEnumerable<string> Warnings(IclRunOptions options, IReadOnlyList<ExampleMeasurement> examples, int finished, int integerContexts,
        IReadOnlyList<Func<long, long>>? idealFamily = null)
    {
        if (options.Lens && finished > 0 && integerContexts < finished)
            yield return integerContexts == 0
                ? "lens_integers is empty: in every context the last answer starts with a minus sign token, where the model predicts the sign, not an integer"
                : $"lens_integers averages {integerContexts} of {finished} contexts: in the others the last answer starts with a minus sign token, where the model predicts the sign, not an integer";
        idealFamily ??= options.EffectiveIdealFamily.Members().Select(f => (Func<long, long>)(x => SafeApply(f, x))).ToList();
        var outside = examples.GroupBy(e => e.Context).Count(context => !idealFamily.Any(f => context.All(e => f(e.X) == e.Y)));
        if (outside > 0)
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the ideal learner assumes the family '{options.EffectiveIdealFamily.Canonical}', and no member of it gives the examples of {outside} of {finished} contexts (task '{options.Task.Text}'): there its curve is the noise floor −log2 ε ≈ {-Math.Log2(Math.Max(options.Epsilon, double.Epsilon)):F2} bits per example, not a learner's; pass a family (IdealFamily) that contains the task");
    }

    private static long SafeApply(IntegerFunction f, long x)
    {
        try
        {
            return f.Apply(x);
        }
        catch (OverflowException)
        {
            return long.MinValue; // no answer in range equals this, so the member simply mispredicts
        }
    }

    internal static List<ExampleSummary> Summarize(IReadOnlyList<ExampleMeasurement> examples, int count)
    {
        var result = new List<ExampleSummary>();
        for (var i = 1; i <= count; i++)
        {
            var rows = examples.Where(e => e.Index == i).ToList();
            if (rows.Count == 0) break;
            result.Add(new ExampleSummary(i,
                MeanInterval.Of(rows.Select(r => r.SurprisalBits).ToList(), min: 0),
                MeanInterval.Of(rows.Select(r => r.SurprisalNats).ToList(), min: 0),
                MeanInterval.Of(rows.Select(r => r.FirstTokenSurprisalBits).ToList(), min: 0),
                MeanInterval.Of(rows.Select(r => r.PCorrect).ToList(), 0, 1),
                MeanInterval.Of(rows.Select(r => r.CumulativeBits).ToList(), min: 0),
                MeanInterval.Of(rows.Select(r => r.GreedyCorrect ? 1.0 : 0.0).ToList(), 0, 1),
                MeanInterval.Of(rows.Select(r => (double)r.FirstTokenRank).ToList(), min: 1),
                rows.Average(r => r.IdealSurprisalBits),
                rows.Average(r => Math.Pow(2, -r.IdealSurprisalBits))));
        }
        return result;
    }

    /// <summary>Fits the two-hypothesis model to the mean P(correct) curve; a failed fit is recorded, not thrown.</summary>
    internal static IclFit FitCurve(IReadOnlyList<ExampleSummary> summaries)
    {
        var observed = summaries.Select(s => s.PCorrect.Mean).ToList();
        try
        {
            var fit = TwoHypothesisFitter.Fit(observed);
            var curve = TwoHypothesisModel.Simulate(fit.Theta0, fit.C, observed.Count);
            return new IclFit
            {
                Theta0 = fit.Theta0,
                C = fit.C,
                Theta0Ci95 = [fit.Theta0Ci95.Lo, fit.Theta0Ci95.Hi],
                CCi95 = [fit.CCi95.Lo, fit.CCi95.Hi],
                Theta0StdErr = fit.Theta0StdErr,
                CStdErr = fit.CStdErr,
                Rmse = fit.Rmse,
                LogLikelihood = fit.LogLikelihood,
                N = fit.N,
                ThetaA = curve.ProbabilityA,
                SimulatedSurprisalBits = curve.SurprisalNats.Select(Surprisal.NatsToBits).ToArray(),
                RmseSurprisalBits = fit.RmseSurprisalBits,
                Theta0JointCi95 = [fit.Theta0JointCi95.Lo, fit.Theta0JointCi95.Hi],
                CJointCi95 = [fit.CJointCi95.Lo, fit.CJointCi95.Hi],
                LogitCorrelation = fit.LogitCorrelation,
            };
        }
        catch (ArgumentException ex)
        {
            return new IclFit { N = observed.Count, Error = ex.Message };
        }
    }
}
