using Probing.IclHarness.Icl.Sharding;
using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Patching;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Tests.Icl;

[Collection("icl")]
public sealed class IclRunnerTests(IclModels models)
{
    private static IclRunOptions Options(string task = "2x+3", int contexts = 3, int examples = 5) =>
        new()
        {
            Task = TaskParser.Parse(task),
            Template = IclModels.Template(),
            Examples = examples,
            XMin = 0,
            XMax = 19,
            Seed = 5,
            Contexts = contexts,
            SweepShots = [0, 2],
            SweepXMin = 0,
            SweepXMax = 4,
            MaxInteger = 20,
            BatchContexts = 2,
        };

    [Fact]
    public void GivenTinyModel_WhenRun_ThenSinglePassSurprisalsEqualIncrementalDecoding()
    {
        var result = IclRunner.Run(models.Scoring, models.Identity, Options(contexts: 2), null, CancellationToken.None);
        var plan = ContextPlan.Create(models.Scoring, Options(contexts: 2), 1);
        using var context = models.Model.CreateContext(new LlamaContextOptions { ContextSize = 256, Threads = 1 });
        foreach (var (answer, row) in plan.Answers.Zip(result.Examples.Where(e => e.Context == 2)))
        {
            // Incremental: feed the prompt up to each scored token, one prefix at a time, and read the last logits.
            var nats = 0.0;
            for (var pos = answer.FirstAnswerToken - 1; pos < answer.CloseToken; pos++)
            {
                var eval = context.Evaluate(plan.Tokens[..(pos + 1)], new EvaluationOptions { AllPositions = false });
                nats -= eval.LastLogProbs[plan.Tokens[pos + 1]];
            }
            // float32 logits: batched and one-at-a-time decodes agree to about 1e-5 relative.
            Assert.True(Math.Abs(nats - row.SurprisalNats) <= 1e-4 * Math.Max(1, nats), $"{nats} vs {row.SurprisalNats}");
        }
    }

    [Theory]
    [InlineData(4, 6, 4)]
    [InlineData(16, 12, 16)] // more tokens than one ubatch, contexts of unequal length: differed by 0.03 bits before
    public void GivenBatchOneAndBatchN_WhenRun_ThenEveryPerExampleAndLensNumberIsIdentical(int contexts, int examples, int batch)
    {
        // Each context has its own KV stream, so how many contexts share a decode must not change a bit.
        var one = IclRunner.Run(models.Scoring, models.Identity, Options(contexts: contexts, examples: examples) with { BatchContexts = 1 }, null, CancellationToken.None);
        var four = IclRunner.Run(models.Scoring, models.Identity, Options(contexts: contexts, examples: examples) with { BatchContexts = batch }, null, CancellationToken.None);
        Assert.Equal(contexts * examples, one.Examples.Count);
        Assert.Equal(one.Examples, four.Examples);
        static object Flat(LensMeasurement l) => (l.Context, l.Index, l.Layer, l.PCorrectFirst, l.RankCorrectFirst,
            string.Join("|", l.TopTokens), string.Join("|", l.TopProbabilities.Select(p => p.ToString("R", System.Globalization.CultureInfo.InvariantCulture))), l.TopIsNumeric);
        Assert.NotEmpty(one.Lens);
        Assert.Equal(one.Lens.Select(Flat), four.Lens.Select(Flat));
        Assert.Equal(one.Sweep, four.Sweep);
        Assert.Equal(one.IntegerLens.Length, four.IntegerLens.Length);
        for (var layer = 0; layer < one.IntegerLens.Length; layer++) Assert.Equal(one.IntegerLens[layer], four.IntegerLens[layer]);
    }

    [Fact]
    public void GivenAGroupedQueryModel_WhenItsKvCellIsSized_ThenItCountsTheKvHeadsNotTheWholeWidth()
    {
        var path = TinyLlamaBuilder.Write(new TinyLlamaConfig(NLayer: 2, NEmbd: 64, NHead: 4, NHeadKv: 2, NFf: 128, NCtx: 256, Vocabulary: IclModels.Vocabulary, Seed: 3),
            Path.Combine(models.Folder, "gqa.gguf"));
        using var model = LlamaModel.Load(path);
        using var scoring = new LlamaScoringModel(model, ownsModel: false, threads: 1);
        Assert.Equal(2L * 2 * (32 + 32), scoring.KvBytesPerCell); // 2 bytes × 2 layers × (K 32 + V 32), half of n_embd each
        Assert.Equal(2L * 3 * (64 + 64), models.Scoring.KvBytesPerCell);
    }

    [Fact]
    public void GivenRequestsOfSeveralLengths_WhenGrouped_ThenEachDecodeHoldsOneLengthWithinAUbatchAndEveryRequestOnce()
    {
        int[] lengths = [100, 98, 100, 600, 98, 100, 100, 100, 100, 100];
        var requests = lengths.Select(n => new EvalRequest(new int[n], [], [])).ToList();
        var groups = LlamaScoringModel.UbatchGroups(requests, 512);
        Assert.Equal(Enumerable.Range(0, lengths.Length), groups.SelectMany(g => g).Order());
        Assert.All(groups, g =>
        {
            Assert.Single(g.Select(r => lengths[r]).Distinct());
            Assert.True(g.Count == 1 || g.Sum(r => lengths[r]) <= 512, string.Join(",", g));
        });
        Assert.Contains(groups, g => g.Count == 5); // five of the seven 100-token requests fill a ubatch
    }

    [Fact]
    public void GivenMultiDigitAnswers_WhenTokenized_ThenAnswerSpansCoverSpaceDigitsAndClose()
    {
        var options = Options(contexts: 1);
        var plan = ContextPlan.Create(models.Scoring, options, 0);
        for (var i = 0; i < plan.Examples.Count; i++)
        {
            var a = plan.Answers[i];
            var answer = string.Concat(plan.Tokens[a.FirstAnswerToken..a.CloseToken].Select(models.Scoring.Piece));
            Assert.Equal(" " + plan.Examples[i].Y, answer);
            Assert.Equal(")", models.Scoring.Piece(plan.Tokens[a.CloseToken]));
            Assert.Equal(plan.Examples[i].Y.ToString().Length + 2, a.ScoredCount);
        }
    }

    [Fact]
    public void GivenSameSeed_WhenRunTwice_ThenCsvAndJsonAreIdentical()
    {
        var first = Path.Combine(models.Folder, "det-a");
        var second = Path.Combine(models.Folder, "det-b");
        var stamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        IclRunWriter.Write(IclRunner.Run(models.Scoring, models.Identity, Options(), null, CancellationToken.None), first, stamp, plots: false);
        IclRunWriter.Write(IclRunner.Run(models.Scoring, models.Identity, Options(), null, CancellationToken.None), second, stamp.AddHours(1), plots: false);
        foreach (var file in new[] { "examples.csv", "lens.csv", "lens_integers.csv", "sweep.csv", "fit.json", "summary.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(first, file)), File.ReadAllText(Path.Combine(second, file)));
        var runA = File.ReadAllLines(Path.Combine(first, "run.json")).Where(l => !l.Contains("_utc\"", StringComparison.Ordinal));
        var runB = File.ReadAllLines(Path.Combine(second, "run.json")).Where(l => !l.Contains("_utc\"", StringComparison.Ordinal));
        Assert.Equal(runA, runB);
    }

    [Fact]
    public void GivenRun_WhenWritten_ThenEveryFileAndPlotExists()
    {
        var folder = Path.Combine(models.Folder, "full");
        var result = IclRunner.Run(models.Scoring, models.Identity, Options(), null, CancellationToken.None);
        IclRunWriter.Write(result, folder, DateTimeOffset.UnixEpoch);
        foreach (var file in new[] { "run.json", "examples.csv", "lens.csv", "sweep.csv", "fit.json", "summary.json", "report.md", "surprisal.png", "p_correct.png", "lens.png", "lens_integers.png", "sweep.png" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Equal(3 * 5, result.Examples.Count);
        Assert.Equal(3 * 5 * 3, result.Lens.Count);
        Assert.Equal(2 * 5, result.Sweep.Count);
        Assert.Empty(Directory.GetFiles(folder, ".*"));
    }

    [Fact]
    public void GivenLens_WhenLastLayerUnembedded_ThenItMatchesTheModelsOwnNextTokenProbability()
    {
        var result = IclRunner.Run(models.Scoring, models.Identity, Options(contexts: 1), null, CancellationToken.None);
        foreach (var e in result.Examples)
        {
            var last = result.Lens.Single(l => l.Index == e.Index && l.Layer == 2);
            Assert.Equal(Math.Pow(2, -e.FirstTokenSurprisalBits), last.PCorrectFirst, 4);
        }
    }

    [Fact]
    public void GivenCancelledToken_WhenRun_ThenNothingFinishedIsNotPartialButThrows()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => IclRunner.Run(models.Scoring, models.Identity, Options(), null, cts.Token));
    }

    [Fact]
    public void GivenCancelAfterFirstBatch_WhenRun_ThenPartialResultKeepsFinishedContexts()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Stage == "contexts" && p.Done == 2) cts.Cancel(); });
        var result = IclRunner.Run(models.Scoring, models.Identity, Options(contexts: 4), progress, cts.Token);
        Assert.True(result.Partial);
        Assert.Equal(2, result.ContextsFinished);
        Assert.Equal(2 * 5, result.Examples.Count);
    }

    [Fact]
    public void GivenTooManyExamples_WhenRun_ThenErrorSaysByHowMuchAndNamesExamples()
    {
        var ex = Assert.Throws<ArgumentException>(() => IclRunner.Run(models.Scoring, models.Identity, Options(examples: 30) with { XMax = 999 }, null, CancellationToken.None));
        Assert.Contains("more than the model's context of 256", ex.Message);
        Assert.EndsWith("lower Examples", ex.Message);
        Assert.Equal(["Examples"], OptionNames.In(ex));
    }

    [Fact]
    public void GivenFamilyTask_WhenRun_ThenEachContextHasAFunctionFromTheFamily()
    {
        var result = IclRunner.Run(models.Scoring, models.Identity, Options("ax+b, a in 1..3, b in 0..2", contexts: 4) with { SweepShots = [] }, null, CancellationToken.None);
        var family = TaskParser.Parse("ax+b, a in 1..3, b in 0..2").Members().Select(f => f.ToString()).ToHashSet();
        Assert.All(result.Examples, e => Assert.Contains(e.Function, family));
        Assert.All(result.Examples, e => Assert.Equal(TaskParser.Parse(e.Function).Function.Apply(e.X), e.Y));
        // The ideal learner defaults to the task's own 9-member family: the first example costs log2 of the
        // number of distinct answers the family gives at x1, at most log2 9.
        Assert.Equal("ax+b, a in 1..3, b in 0..2", result.Options.EffectiveIdealFamily.Canonical);
        Assert.All(result.Examples.Where(e => e.Index == 1), e => Assert.InRange(e.IdealSurprisalBits, 0, Math.Log2(9) + 1e-6));
    }

    [Fact]
    public void GivenEpsilonZeroAndATaskOutsideTheIdealFamily_WhenRun_ThenRefusedNamingEpsilonAndTheFamily()
    {
        // The noiseless learner gives such a context probability 0; the message said only "add a noise term to the likelihood".
        var options = Options(contexts: 2) with { SweepShots = [], Epsilon = 0, IdealFamily = TaskParser.Parse("ax, a in 0..3") };
        var ex = Assert.Throws<ArgumentException>(() => IclRunner.Run(models.Scoring, models.Identity, options, null, CancellationToken.None));
        Assert.Contains("with Epsilon 0 the ideal learner cannot explain context 1 (2x+3): no member of its family 'ax, a in 0..3' gives all its examples", ex.Message);
        Assert.Contains("pass Epsilon > 0", ex.Message);
        Assert.Equal(["Epsilon", "IdealFamily"], OptionNames.In(ex));
        // Inside the family, ε = 0 is the exact noiseless learner.
        var inside = IclRunner.Run(models.Scoring, models.Identity, options with { IdealFamily = TaskParser.Parse("ax+b, a in 1..3, b in 2..4") }, null, CancellationToken.None);
        Assert.All(inside.Examples, e => Assert.True(double.IsFinite(e.IdealSurprisalBits)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GivenEpsilonZeroAndALaterContextOutsideTheFamily_WhenRun_ThenRefusedBeforeAnyModelPass(bool sharded)
    {
        // Contexts draw a in 1..2; the ideal learner knows only the first context's slope. A later context draws the other,
        // and the refusal must come before the first batch, not after hours of finished batches that it would discard.
        var drawn = Options("ax+3, a in 1..2", contexts: 12) with { SweepShots = [], Epsilon = 0, BatchContexts = 1 };
        var slopes = Enumerable.Range(0, drawn.Contexts).Select(c => ContextPlan.Create(models.Scoring, drawn, c).Function.Apply(1) - 3).ToList();
        Assert.Contains(slopes, a => a != slopes[0]); // the seed draws both slopes, the first context's first
        var options = drawn with { IdealFamily = TaskParser.Parse($"ax+3, a in {slopes[0]}..{slopes[0]}") };
        var counting = new CountingModel(models.Scoring);
        var folder = Path.Combine(models.Folder, "eps0-shard-" + Guid.NewGuid().ToString("N")[..6]);
        var ex = Assert.Throws<ArgumentException>(() =>
        {
            if (sharded) IclShardRunner.Run(counting, models.Identity, options, new IclShard(0, 1), folder, null, CancellationToken.None);
            else IclRunner.Run(counting, models.Identity, options, null, CancellationToken.None);
        });
        Assert.Contains("with Epsilon 0 the ideal learner cannot explain context", ex.Message);
        Assert.Equal(0, counting.Evaluations);
    }

    private sealed class CountingModel(IScoringModel inner) : Probing.IclHarness.Tests.RealTokenizers.ScoringModelDecorator(inner)
    {
        public int Evaluations { get; private set; }

        public override IReadOnlyList<EvalResult> Evaluate(IReadOnlyList<EvalRequest> requests, bool lens, CancellationToken cancellation)
        {
            Evaluations++;
            return base.Evaluate(requests, lens, cancellation);
        }
    }

    [Fact]
    public void GivenPatchRun_WhenRun_ThenOneRowPerLayerAfterTheUnpatchedRowWithProbabilities()
    {
        var options = new IclPatchOptions(TaskParser.Parse("2x+3"), TaskParser.Parse("3x+1"), IclModels.Template(), Examples: 4, Seed: 2);
        var result = IclPatcher.Run(models.Scoring, models.Identity, options, null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(-1, models.Scoring.LayerCount + 1), result.Rows.Select(r => r.Layer));
        Assert.All(result.Rows, r =>
        {
            Assert.InRange(r.PTargetRule, 0, 1);
            Assert.InRange(r.PSourceRule, 0, 1);
            Assert.InRange(r.PSourceLiteral, 0, 1);
        });
    }

    [Fact]
    public void GivenResidualOfLastBlockFromSource_WhenPatchedIntoTarget_ThenThatPositionPredictsExactlyAsTheSource()
    {
        // After the last block nothing else reads the residual at that position, so the patched target's next-token
        // distribution there must be the source's own, while every earlier position keeps the target's.
        var model = models.Scoring;
        var last = model.LayerCount - 1;
        var source = model.Tokenize("(1, 5), (4, 11), (2, 7), (6,");
        var target = model.Tokenize("(3, 10), (0, 1), (5, 16), (2,");
        var next = model.Tokenize(" 15")[^2]; // the token both positions are asked about
        var residual = model.CaptureResidual(source, last, source.Length - 1);

        var sourceOwn = model.EvaluatePatched([.. source, next], null);
        var unpatched = model.EvaluatePatched([.. target, next], null);
        var patched = model.EvaluatePatched([.. target, next], new ResidualPatch(last, target.Length - 1, residual));

        var at = target.Length - 1;
        Assert.True(Math.Abs(patched[at] - sourceOwn[source.Length - 1]) < 1e-4, $"patched {patched[at]} vs source {sourceOwn[source.Length - 1]}");
        Assert.True(Math.Abs(patched[at] - unpatched[at]) > 1e-3, "the two prompts should predict the token differently, or the test proves nothing");
        for (var pos = 0; pos < at; pos++)
            Assert.Equal(unpatched[pos], patched[pos], 6);
    }

    [Theory]
    [InlineData("arrow", "\n")]
    [InlineData("io", "\n")]
    [InlineData("pairs", ")")]
    public void GivenEachShippedTemplate_WhenRun_ThenEveryAnswerIsScoredWithItsClosingToken(string template, string close)
    {
        var options = Options(contexts: 1) with { Template = IclModels.Template(template), SweepShots = [1], SweepXMax = 2 };
        var result = IclRunner.Run(models.Scoring, models.Identity, options, null, CancellationToken.None);
        var plan = ContextPlan.Create(models.Scoring, options, 0);
        Assert.All(plan.Answers, a => Assert.Equal(close, models.Scoring.Piece(plan.Tokens[a.CloseToken])));
        Assert.Equal(5, result.Examples.Count);
        Assert.All(result.Examples, e => Assert.True(e.SurprisalBits > 0 && double.IsFinite(e.SurprisalBits)));
        Assert.Equal(3, result.Sweep.Count);
    }

    private sealed class SyncProgress(Action<IclProgress> report) : IProgress<IclProgress>
    {
        public void Report(IclProgress value) => report(value);
    }
}
