using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Sharding;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.RealTokenizers;

/// <summary>Answer alignment, scoring and the sweep on tiny models that carry real tokenizers.</summary>
[Collection("real-tokenizers")]
public sealed class ScoringTests(RealTokenizerModels models)
{
    public static TheoryData<string, string> TokenizersAndTemplates()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in new[] { "llama-bpe", "llama-spm", "qwen2", "gpt-2", "phi-3", "gemma-4" })
            foreach (var template in new[] { "pairs", "arrow", "io" })
                data.Add(name, template);
        return data;
    }

    internal static IclRunOptions Options(string task = "2x+3", string template = "pairs", long xMin = 0, long xMax = 19, IReadOnlyList<int>? shots = null) =>
        new()
        {
            Task = TaskParser.Parse(task),
            Template = PromptTemplate.Load(template, PromptTemplate.DefaultDirectory),
            Examples = 6,
            XMin = xMin,
            XMax = xMax,
            Seed = 1,
            Contexts = 2,
            SweepShots = shots ?? [],
            SweepXMin = xMin,
            SweepXMax = xMin + 3,
            MaxInteger = 20,
            Lens = false,
            BatchContexts = 2,
        };

    [Theory]
    [MemberData(nameof(TokenizersAndTemplates))]
    public void GivenRealTokenizer_WhenAnswersAreLocated_ThenEveryAnswerIncludingTheLastIsClosedByTheSameToken(string name, string template)
    {
        var scoring = models.Scoring(name);
        var plan = ContextPlan.Create(scoring, Options(template: template), 0);
        var closes = plan.Answers.Select(a => plan.Tokens[a.CloseToken]).ToArray();
        Assert.All(closes, c => Assert.Equal(closes[0], c));
        for (var e = 0; e < plan.Examples.Count; e++)
        {
            // The scored tokens spell the answer (with its space) and nothing else before the close.
            var a = plan.Answers[e];
            var bytes = plan.Tokens[a.FirstAnswerToken..a.CloseToken].SelectMany(scoring.PieceBytes).ToArray();
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.Equal(" " + plan.Examples[e].Y, text.StartsWith('▁') ? " " + text[1..] : text);
        }
    }

    [Theory]
    [InlineData("llama-bpe", "pairs")]
    [InlineData("llama-spm", "pairs")]
    [InlineData("qwen2", "pairs")]
    [InlineData("gpt-2", "pairs")]
    [InlineData("gemma-4", "pairs")]
    [InlineData("gpt-2", "io")]
    [InlineData("llama-bpe", "io")]
    public void GivenAModelBlindToItsContext_WhenEveryAnswerIsTheSame_ThenEveryExampleCostsTheSameBits(string name, string template)
    {
        // The answer is always 7, and the model gives every token a fixed probability whatever came before: any
        // difference between examples would be the harness scoring different tokens (the last example's ")" where
        // the others close with "),").
        var model = new UnigramScoringModel(models.Scoring(name));
        var result = IclRunner.Run(model, models.Identity(name), Options(task: "7", template: template), null, CancellationToken.None);
        var bits = result.Examples.Select(e => e.SurprisalBits).ToArray();
        Assert.All(bits, b => Assert.Equal(bits[0], b, 12));
        Assert.All(result.Examples, e => Assert.Equal(result.Examples[0].ScoredTokens, e.ScoredTokens));
    }

    [Theory]
    [InlineData("gpt-2", "arrow", 0L)]
    [InlineData("qwen2", "arrow", 0L)]
    [InlineData("qwen2", "pairs", -5L)]
    [InlineData("falcon", "arrow", 0L)]
    [InlineData("llama-bpe", "pairs", -5L)]
    public void GivenVocabularyWithoutAddedBos_WhenTheSweepHasZeroShots_ThenTheRunCompletesWithAStartToken(string name, string template, long xMin)
    {
        var scoring = models.Scoring(name);
        var options = Options(template: template, xMin: xMin, xMax: xMin + 19, shots: [0, 2]) with { Lens = true };
        var result = IclRunner.Run(scoring, models.Identity(name), options, null, CancellationToken.None);
        Assert.Empty(result.Warnings);
        Assert.Equal(4, result.Sweep.Count(p => p.Shots == 0));
        Assert.Equal(12, result.Examples.Count);
        var start = SweepRunner.ZeroShotStart(scoring);
        if (scoring.BosToken is null) Assert.Equal([scoring.VocabularyBosToken!.Value], start);
        else Assert.Empty(start);
    }

    [Fact]
    public void GivenASweepThatFails_WhenTheContextsAreMeasured_ThenTheRunKeepsThemAndWarns()
    {
        var model = new FailingSweepModel(new UnigramScoringModel(models.Scoring("gpt-2")));
        var result = IclRunner.Run(model, models.Identity("gpt-2"), Options(shots: [0, 2]), null, CancellationToken.None);
        Assert.Equal(12, result.Examples.Count);
        Assert.Empty(result.Sweep);
        Assert.Contains(result.Warnings, w => w.Contains("sweep did not run", StringComparison.Ordinal) && w.Contains("boom", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAShardWhoseSweepFails_WhenRerunAndMerged_ThenTheMergedRunCarriesTheSingleRunsWarning()
    {
        var model = new FailingSweepModel(new UnigramScoringModel(models.Scoring("gpt-2")));
        var options = Options(shots: [0, 2]) with { Contexts = 3, BatchContexts = 1 };
        var single = IclRunner.Run(model, models.Identity("gpt-2"), options, null, CancellationToken.None);
        var root = Path.Combine(Path.GetTempPath(), "probing-sweepfail-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var folders = Enumerable.Range(0, 2).Select(i => Path.Combine(root, "s" + i)).ToList();
            for (var i = 0; i < 2; i++)
            {
                var shard = IclShardRunner.Run(model, models.Identity("gpt-2"), options, new IclShard(i, 2), folders[i], null, CancellationToken.None);
                Assert.Equal(i == 0, shard.Warnings.Any(w => w.Contains("boom", StringComparison.Ordinal)));
            }
            // A restarted shard 0 keeps the recorded failure rather than reporting a clean run.
            var rerun = IclShardRunner.Run(model, models.Identity("gpt-2"), options, new IclShard(0, 2), folders[0], null, CancellationToken.None);
            Assert.Contains(rerun.Warnings, w => w.Contains("boom", StringComparison.Ordinal));

            var merged = IclShardMerge.Merge(folders);
            Assert.Empty(merged.Sweep);
            Assert.Equal(single.Warnings, merged.Warnings);
            Assert.Contains(merged.Warnings, w => w.Contains("sweep did not run", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void GivenAShardWhoseDecodeFailsInTheSweep_WhenRerun_ThenTheSweepIsRetriedNotRecordedAsFailed()
    {
        var inner = new UnigramScoringModel(models.Scoring("gpt-2"));
        var failing = new FailingSweepModel(inner, () => new LlamaDecodeException("llama_decode failed with code -3: out of memory."));
        var options = Options(shots: [0, 2]) with { Contexts = 3, BatchContexts = 1 };
        var single = IclRunner.Run(inner, models.Identity("gpt-2"), options, null, CancellationToken.None);
        var root = Path.Combine(Path.GetTempPath(), "probing-sweepretry-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var folders = Enumerable.Range(0, 2).Select(i => Path.Combine(root, "s" + i)).ToList();
            var first = IclShardRunner.Run(failing, models.Identity("gpt-2"), options, new IclShard(0, 2), folders[0], null, CancellationToken.None);
            Assert.Contains(first.Warnings, w => w.Contains("out of memory", StringComparison.Ordinal));
            IclShardRunner.Run(inner, models.Identity("gpt-2"), options, new IclShard(1, 2), folders[1], null, CancellationToken.None);
            var refused = Assert.Throws<IOException>(() => IclShardMerge.Merge(folders));
            Assert.Contains("has not run the prediction sweep", refused.Message);

            var rerun = IclShardRunner.Run(inner, models.Identity("gpt-2"), options, new IclShard(0, 2), folders[0], null, CancellationToken.None);
            Assert.NotEmpty(rerun.Sweep);
            var merged = IclShardMerge.Merge(folders);
            Assert.Equal(single.Sweep, merged.Sweep);
            Assert.Equal(single.Warnings, merged.Warnings);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("llama-bpe")]
    [InlineData("llama-spm")]
    [InlineData("gpt-2")]
    [InlineData("phi-3")]
    [InlineData("qwen2")]
    public void GivenTemplateWithCharactersSpelledByByteTokens_WhenAnswersAreLocated_ThenTheyAreFound(string name)
    {
        // 𝑓 and 🙂 are four UTF-8 bytes each; byte-level vocabularies spell them with pieces that are not text alone.
        var template = new PromptTemplate("math", "", "🙂 ", "𝑓(", ") =", " ", ";", " ");
        var scoring = models.Scoring(name);
        var plan = ContextPlan.Create(scoring, Options() with { Template = template }, 0);
        Assert.Equal(6, plan.Answers.Length);
        var last = plan.Answers[^1];
        Assert.Equal(";", System.Text.Encoding.UTF8.GetString(scoring.PieceBytes(plan.Tokens[last.CloseToken])).Trim());
    }

    [Theory]
    [InlineData("llama-bpe", "15", " -")]
    [InlineData("gpt-2", " 15", " -")]
    [InlineData("llama-spm", "1", " -")]
    [InlineData("qwen2", "1", " -")]
    public void GivenRealTokenizer_WhenExamplesAreScored_ThenFirstTokenNamesWhatTheFirstTokenFiguresRead(string name, string fifteen, string minus)
    {
        // x + 5 on 10 gives 15; 5 - x on 10 gives -5.
        var model = new UnigramScoringModel(models.Scoring(name));
        var options = Options(task: "x+5", xMin: 10, xMax: 10) with { Examples = 1, Distinct = false, Contexts = 1 };
        var positive = IclRunner.Run(model, models.Identity(name), options, null, CancellationToken.None).Examples.Single();
        var negative = IclRunner.Run(model, models.Identity(name), options with { Task = TaskParser.Parse("5-x") }, null, CancellationToken.None).Examples.Single();
        Assert.Equal(fifteen, positive.FirstToken);
        Assert.Equal(minus, negative.FirstToken);
    }

    [Fact]
    public void GivenNegativeLastAnswers_WhenTheLensRuns_ThenLensIntegersDoesNotReadTheMinusSignPosition()
    {
        var scoring = models.Scoring("llama-bpe");
        var options = Options(task: "-x-1", shots: []) with { Lens = true };
        var result = IclRunner.Run(scoring, models.Identity("llama-bpe"), options, null, CancellationToken.None);
        Assert.All(result.Examples, e => Assert.Equal("-", e.FirstToken.Trim()));
        Assert.Empty(result.IntegerLens);
        Assert.Contains(result.Warnings, w => w.Contains("minus sign", StringComparison.Ordinal));
        var mixed = IclRunner.Run(scoring, models.Identity("llama-bpe"), options with { Task = TaskParser.Parse("x-10"), Contexts = 4, BatchContexts = 4 }, null, CancellationToken.None);
        var lastPositive = mixed.Examples.Count(e => e.Index == 6 && e.Y >= 0);
        Assert.Equal(lastPositive > 0 ? scoring.LayerCount : 0, mixed.IntegerLens.Length);
    }

    [Theory]
    [InlineData("17x+100", 2)]
    [InlineData("2x+3 mod 10", 2)]
    [InlineData("2x+3", 0)]
    public void GivenTaskOutsideTheIdealLearnersFamily_WhenRun_ThenAWarningNamesTheAssumedFamily(string task, int outside)
    {
        var model = new UnigramScoringModel(models.Scoring("qwen2"));
        var result = IclRunner.Run(model, models.Identity("qwen2"), Options(task: task), null, CancellationToken.None);
        var warning = result.Warnings.SingleOrDefault(w => w.Contains("ideal learner", StringComparison.Ordinal));
        if (outside == 0)
        {
            Assert.Null(warning);
            return;
        }
        Assert.NotNull(warning);
        Assert.Contains($"'{IclRunOptions.DefaultIdealFamily}'", warning);
        Assert.Contains($"{outside} of 2 contexts", warning);
        Assert.Contains(nameof(IclRunOptions.IdealFamily), warning);
    }

    /// <summary>A model whose prediction sweep (greedy continuations) fails; everything else is the inner model's.</summary>
    private sealed class FailingSweepModel(IScoringModel inner, Func<Exception>? failure = null) : ScoringModelDecorator(inner)
    {
        public override IReadOnlyList<GreedyResult> GreedyFromPrefix(int[] prefix, IReadOnlyList<int[]> suffixes, int maxNewTokens, Func<int, bool> isStop,
            CancellationToken cancellation) => throw (failure ?? (() => new NotSupportedException("boom")))();
    }
}
