using System.Diagnostics;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl.Bench;

/// <summary>
/// <c>probe bench icl</c>: the harness's teacher-forced measurement of R contexts × K examples against a plain
/// llama.cpp decode of exactly the same token sequences in the same batches, timed side by side in one process.
/// A second reference decodes the same batches with llama.cpp's logits at exactly the rows the harness reads
/// (<see cref="LlamaContext.DecodeOnly"/>: nothing read back, no managed per-row work): the LM-head arithmetic any
/// measurement of those distributions must pay, so that the harness's ratio to it is the harness's own overhead.
/// </summary>
/// <remarks>
/// One pass over the bundled model takes tens of milliseconds, so a single timing is at the mercy of whatever
/// else the machine runs. Each round therefore times every variant back to back (in a rotated order, so none is
/// always first), each for at least <c>minSeconds</c>, and the ratios are taken within a round: load that lasts
/// longer than a round cancels out. The report is the median ratio over the rounds, with its range.
/// </remarks>
public static class IclBench
{
    /// <summary>Measures; see the type's remarks for the protocol.</summary>
    public static IclBenchResult Run(string modelPath, int contexts = 16, int examples = 12, int rounds = 9, int threads = 0,
        int batchContexts = 16, double minSeconds = 0.2)
    {
        using var model = new LlamaScoringModel(LlamaModel.Load(modelPath), ownsModel: true, threads);
        var template = PromptTemplate.Load(PromptTemplate.DefaultName, PromptTemplate.DefaultDirectory);
        var options = new IclRunOptions
        {
            Task = TaskParser.Parse("2x+3"),
            Template = template,
            Examples = examples,
            Contexts = contexts,
            SweepShots = [],
            BatchContexts = batchContexts,
            Lens = false,
        };
        var plans = Enumerable.Range(0, contexts).Select(c => ContextPlan.Create(model, options, c)).ToList();
        var family = options.EffectiveIdealFamily.Members().Select(f => (Func<long, long>)f.Apply).ToList();
        var numeric = new NumericTokens(model, options.MaxInteger);
        var batches = plans.Chunk(batchContexts).ToList();

        var scorer = new ContextScorer(model, options, numeric, family);
        var lensScorer = new ContextScorer(model, options with { Lens = true }, numeric, family);
        var dla = DirectLogitAttribution.Create(model.Model, tolerance: 1); // timing only: completeness is the tests' and the command's business
        var baseline = Enumerable.Range(0, model.VocabSize).Where(numeric.IsNumeric).ToArray();
        var scoredRows = 0;
        Action[] variants =
        [
            () =>
            {
                foreach (var batch in batches)
                {
                    var context = model.Context(batch.Max(p => p.Tokens.Length), batch.Length);
                    context.ClearMemory();
                    context.Evaluate(batch.Select((p, i) => new SequenceInput(p.Tokens, i)).ToList(), new EvaluationOptions { AllPositions = false });
                }
            },
            () => { foreach (var batch in batches) scorer.Score(batch, CancellationToken.None); },
            () => { foreach (var batch in batches) lensScorer.Score(batch, CancellationToken.None); },
            () => { foreach (var batch in batches) Heads(model, dla, batch, baseline); },
            () =>
            {
                var rows = 0;
                foreach (var batch in batches)
                {
                    var context = model.Context(batch.Max(p => p.Tokens.Length), batch.Length);
                    context.ClearMemory();
                    rows += context.DecodeOnly(ScoredRowInputs(batch));
                }
                scoredRows = rows;
            },
        ];
        foreach (var variant in variants) variant(); // warm-up: contexts allocated, pages touched

        var seconds = new double[variants.Length][]; // [variant][round]
        var cpu = new double[variants.Length][]; // [variant][round]: process CPU seconds per call
        for (var v = 0; v < variants.Length; v++)
        {
            seconds[v] = new double[Math.Max(1, rounds)];
            cpu[v] = new double[seconds[v].Length];
        }
        for (var round = 0; round < seconds[0].Length; round++)
            for (var k = 0; k < variants.Length; k++)
            {
                var v = (round + k) % variants.Length;
                (seconds[v][round], cpu[v][round]) = SecondsPerCall(variants[v], minSeconds);
            }
        return new IclBenchResult(contexts, examples, plans.Sum(p => p.Tokens.Length),
            Timing(0, 0), Timing(1, 0), Timing(2, 0))
        {
            Heads = Timing(3, 0),
            HeadsToHarness = Timing(3, 1),
            ScoredRowsDecode = Timing(4, 0),
            HarnessToScoredRowsDecode = Timing(1, 4),
            HarnessLensToScoredRowsDecode = Timing(2, 4),
            ScoredRows = scoredRows,
        };

        IclBenchTiming Timing(int variant, int reference)
        {
            var ratios = seconds[variant].Select((s, i) => s / seconds[reference][i]).ToArray();
            var cpuRatios = cpu[variant].Select((s, i) => s / cpu[reference][i]).ToArray();
            return new IclBenchTiming(Median(seconds[variant]), Median(ratios), ratios.Min(), ratios.Max()) { CpuRatio = Median(cpuRatios) };
        }
    }

    /// <summary>
    /// The sequences of the scored-rows reference: each context's tokens with llama.cpp's logits requested at exactly
    /// the rows the harness reads (<see cref="ContextPlan.Request"/>'s scored and distribution positions, the same
    /// union <see cref="LlamaScoringModel"/> asks for; llama.cpp adds each sequence's last token).
    /// </summary>
    internal static List<SequenceInput> ScoredRowInputs(IReadOnlyList<ContextPlan> batch) =>
        batch.Select((plan, i) => ScoredRowInput(plan, i)).ToList();

    private static SequenceInput ScoredRowInput(ContextPlan plan, int sequence)
    {
        var request = plan.Request();
        return new SequenceInput(plan.Tokens, sequence)
        {
            OutputPositions = request.ScoredPositions.Concat(request.DistributionPositions).Distinct().Order().ToArray(),
        };
    }

    /// <summary>What <c>probe icl heads</c> does per batch, lens off: one capture decode, then the attribution.</summary>
    private static void Heads(LlamaScoringModel model, DirectLogitAttribution dla, ContextPlan[] batch, int[] baseline)
    {
        var inputs = batch.Select((p, i) => new SequenceInput(p.Tokens, i) { OutputPositions = p.Answers.Select(a => a.InformativeToken - 1).ToArray() }).ToList();
        var context = model.Context(inputs.Max(i => i.Tokens.Count), inputs.Count);
        context.ClearMemory();
        var evaluations = context.Evaluate(inputs, new EvaluationOptions { Capture = dla.Request(), AllPositions = false });
        var sites = inputs.SelectMany((input, i) => input.OutputPositions!.Select(p => new AttributionSite(evaluations[i].Capture!, p, input.Tokens[p + 1], baseline))).ToList();
        dla.Attribute(sites);
    }


    /// <summary>
    /// Mean wall and process CPU seconds per call over as many calls as fit in <paramref name="minSeconds"/> (at least one).
    /// CPU time is what this process used, so other load on the machine changes it little (with --threads 1 nothing spins).
    /// </summary>
    private static (double Wall, double Cpu) SecondsPerCall(Action action, double minSeconds)
    {
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var calls = 0;
        var sw = Stopwatch.StartNew();
        do
        {
            action();
            calls++;
        } while (sw.Elapsed.TotalSeconds < minSeconds);
        var wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall / calls, (process.TotalProcessorTime - cpuBefore).TotalSeconds / calls);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
