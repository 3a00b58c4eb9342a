using FsCheck.Xunit;
using Probing.Bayes;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

public sealed class HarnessLogicTests
{
    private static readonly string[] CharPieces = [.. "0123456789(), ".Select(c => c.ToString())];
    private static readonly IclExample[] Examples = [new(1, 5), new(4, 11), new(12, 27)];
    private static PromptTemplate Pairs => PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory);

    [Fact]
    public void GivenACurveAtTenToTheMinusForty_WhenFitted_ThenTheFitIsNotIdentifiableAndSaysWhy()
    {
        // The run: P(correct) about 1e-40 at every example had been reported as c = 0.5585 (0.39 to 0.71), RMSE 0.0000.
        var rows = Enumerable.Range(1, 8).SelectMany(i => Enumerable.Range(1, 3).Select(c =>
        {
            var nats = 92.0 + 0.1 * i + 0.2 * c;
            return new ExampleMeasurement
            {
                Context = c, Function = "f", Index = i, X = i, Y = i, ScoredTokens = 3, SurprisalNats = nats, SurprisalBits = Surprisal.NatsToBits(nats),
                FirstTokenSurprisalBits = 1, PCorrect = Math.Exp(-nats), FirstTokenRank = 1000, GreedyCorrect = false, CumulativeBits = 0, IdealSurprisalBits = 19.93,
            };
        })).ToList();
        var fit = IclRunner.FitCurve(IclRunner.Summarize(rows, 8));
        Assert.True(fit.NotIdentifiable);
        Assert.Null(fit.C);
        Assert.Contains("stays below 1e-6", fit.Error);
    }

    [Fact]
    public void GivenCharacterTokenizer_WhenAnswersLocated_ThenEachSpansSpaceDigitsAndClose()
    {
        var model = new FakeTokenizerModel(CharPieces);
        var prompt = PromptBuilder.Build(Pairs, Examples);
        var tokens = model.Tokenize(prompt.Text);
        var answers = TokenAlignment.Locate(model, tokens, prompt, "pairs");
        Assert.Equal([3, 4, 4], answers.Select(a => a.ScoredCount));
        Assert.Equal(" 27", string.Concat(tokens[answers[2].FirstAnswerToken..answers[2].CloseToken].Select(model.Piece)));
        // The space is a token of its own here, as in Llama's vocabulary: first-token figures and the lens read the first digit.
        Assert.Equal(["5", "1", "2"], answers.Select(a => model.Piece(tokens[a.InformativeToken])));
        Assert.All(answers, a => Assert.Equal(a.FirstAnswerToken + 1, a.InformativeToken));
    }

    [Fact]
    public void GivenWholeNumberPieces_WhenAnswersLocated_ThenTheInformativeTokenIsTheAnswersFirst()
    {
        var model = new FakeTokenizerModel([.. CharPieces, " 11", " 27", " 5"]);
        var prompt = PromptBuilder.Build(Pairs, Examples);
        var answers = TokenAlignment.Locate(model, model.Tokenize(prompt.Text), prompt, "pairs");
        Assert.All(answers, a => Assert.Equal(a.FirstAnswerToken, a.InformativeToken));
    }

    [Fact]
    public void GivenBpeLikeTokenizerWithWholeNumberPieces_WhenAnswersLocated_ThenMultiDigitAnswerIsOneToken()
    {
        var model = new FakeTokenizerModel([.. CharPieces, " 11", " 27", " 5"]);
        var prompt = PromptBuilder.Build(Pairs, Examples);
        var answers = TokenAlignment.Locate(model, model.Tokenize(prompt.Text), prompt, "pairs");
        Assert.All(answers, a => Assert.Equal(2, a.ScoredCount));
    }

    [Fact]
    public void GivenTokenizerThatMergesTheCommaWithTheAnswer_WhenLocated_ThenOneLineNotSupported()
    {
        var model = new FakeTokenizerModel([.. CharPieces, ", 1"]);
        var prompt = PromptBuilder.Build(Pairs, Examples);
        var ex = Assert.Throws<NotSupportedException>(() => TokenAlignment.Locate(model, model.Tokenize(prompt.Text), prompt, "pairs"));
        Assert.Contains("merges the start of answer", ex.Message);
    }

    [Fact]
    public void GivenTokenizerThatMergesTheAnswerWithItsClose_WhenLocated_ThenOneLineNotSupported()
    {
        var model = new FakeTokenizerModel([.. CharPieces, "5)"]);
        var prompt = PromptBuilder.Build(Pairs, Examples);
        var ex = Assert.Throws<NotSupportedException>(() => TokenAlignment.Locate(model, model.Tokenize(prompt.Text), prompt, "pairs"));
        Assert.Contains("merges the end of answer 1", ex.Message);
    }

    [Fact]
    public void GivenPieces_WhenNumericTokensBuilt_ThenIntegerTokensAreWholePiecesWithoutLeadingZeros()
    {
        var model = new FakeTokenizerModel(["1", " 15", "15", "07", "-3", "x", "100"]);
        var numeric = new NumericTokens(model, 20);
        Assert.Equal([1], numeric.IntegerTokens[1]);
        Assert.Equal([2, 3], numeric.IntegerTokens[15]);
        Assert.Empty(numeric.IntegerTokens[7]);
        Assert.True(numeric.IsNumeric(5));
        Assert.False(numeric.IsNumeric(6));
        Assert.True(numeric.IsNumeric(4));
    }

    [Fact]
    public void GivenLogits_WhenSummarized_ThenRankTopKAndLogProbAgree()
    {
        float[] logits = [1f, 3f, 2f, 3f, -1f];
        var lse = LogSoftmax.LogSumExp(logits);
        Assert.Equal(1.0, Enumerable.Range(0, 5).Sum(i => Math.Exp(logits[i] - lse)), 12);
        Assert.Equal(1, LogSoftmax.Rank(logits, 1));
        Assert.Equal(1, LogSoftmax.Rank(logits, 3));
        Assert.Equal(3, LogSoftmax.Rank(logits, 2));
        Assert.Equal(1, LogSoftmax.ArgMax(logits));
        Assert.Equal([1, 3, 2], LogSoftmax.TopK(logits, 3, lse).Select(t => t.Id));
    }

    [Theory]
    [InlineData(0.2, 0.7, 12)]
    [InlineData(0.05, Surprisal.Ln2, 10)]
    [InlineData(0.6, 0.55, 8)]
    public void GivenSimulatedTwoHypothesisCurve_WhenFitted_ThenParametersAreRecovered(double theta0, double c, int steps)
    {
        var curve = TwoHypothesisModel.Simulate(theta0, c, steps);
        var summaries = curve.ProbabilityA.Select((p, i) => new ExampleSummary(i + 1,
            MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), MeanInterval.Of([p]),
            MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), 0, 1)).ToList();
        var fit = IclRunner.FitCurve(summaries);
        Assert.Null(fit.Error);
        Assert.Equal(theta0, fit.Theta0!.Value, 4);
        Assert.Equal(c, fit.C!.Value, 4);
        Assert.InRange(c, fit.CCi95![0] - 1e-6, fit.CCi95[1] + 1e-6);
        Assert.All(curve.ProbabilityA.Zip(fit.ThetaA), p => Assert.Equal(p.First, p.Second, 6));
    }

    [Fact]
    public void GivenFlatZeroCurve_WhenFitted_ThenErrorIsRecordedNotThrown()
    {
        var summaries = Enumerable.Range(1, 4).Select(i => new ExampleSummary(i,
            MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), MeanInterval.Of([0.0]),
            MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), MeanInterval.Of([1.0]), 0, 1)).ToList();
        var fit = IclRunner.FitCurve(summaries);
        Assert.NotNull(fit.Error);
        Assert.Null(fit.C);
    }

    [Fact]
    public void GivenValues_WhenMeanIntervalTaken_ThenItIsTheStudentTInterval()
    {
        var m = MeanInterval.Of([1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(2.5, m.Mean, 12);
        var half = 3.182446305 * Math.Sqrt(1.6666666666666667 / 4);
        Assert.Equal(2.5 - half, m.Lo, 9);
        Assert.Equal(2.5 + half, m.Hi, 9);
        Assert.Equal(new MeanInterval(7, 7, 7, 1), MeanInterval.Of([7.0]));
    }

    [Property]
    public bool GivenNonNegativeValues_WhenTheIntervalIsClippedAtZero_ThenItStaysInRangeAndKeepsTheMean(byte[] raw)
    {
        if (raw.Length < 2) return true;
        var values = raw.Select(b => b < 200 ? 0.0 : b / 10.0).ToList(); // mostly zeros: a t-interval crossing 0
        var free = MeanInterval.Of(values);
        var clipped = MeanInterval.Of(values, min: 0);
        return clipped.Mean == free.Mean && clipped.Lo == Math.Max(0, free.Lo) && clipped.Hi == free.Hi && clipped.Lo <= clipped.Mean;
    }

    [Property]
    public bool GivenDegreesOfFreedom_WhenTQuantileTaken_ThenItDecreasesTowardTheNormalQuantile(byte df)
    {
        var d = df + 1;
        var q = MeanInterval.TQuantile975(d);
        return q > 1.959963984540054 && q >= MeanInterval.TQuantile975(d + 1);
    }

    [Fact]
    public void GivenALongContextThenManyShortSequencesOfALargeModel_WhenTheContextIsReshaped_ThenItIsSizedForTheCallNotTheUnion()
    {
        const long seventyB = 2L * 80 * 2 * 1024; // 80 layers, K and V 1,024 wide (8 KV heads of 128), F16: 320 KiB a cell
        var shape = LlamaScoringModel.ContextShape((4096, 1, 512), cells: 200, sequences: 64, microBatch: 4096, seventyB);
        Assert.Equal((256, 64, 4096), shape); // the union, 4,096 cells × 64 sequences, would be 80 GiB of KV cache
        const long tiny = 2L * 3 * 2 * 64;
        Assert.Equal((4096, 64, 4096), LlamaScoringModel.ContextShape((4096, 1, 512), 200, 64, 4096, tiny)); // small: kept, no re-creation
    }

    [Property]
    public bool GivenAnyOldShapeAndCall_WhenTheContextIsReshaped_ThenItFitsTheCallWithinTheReuseBudget(
        ushort oldCells, byte oldSequences, ushort cells, byte sequences, ushort bytesPerCell)
    {
        var old = (oldCells + 0, oldSequences + 0, 512);
        var perCell = bytesPerCell + 1L << 8;
        var (c, n, ubatch) = LlamaScoringModel.ContextShape(old, cells + 1, sequences + 1, 512, perCell);
        var needed = (long)Math.Max(256, (cells + 1 + 255) / 256 * 256) * (sequences + 1) * perCell;
        return c >= cells + 1 && c % 256 == 0 && n >= sequences + 1 && ubatch >= 512
            && (long)c * n * perCell <= Math.Max(LlamaScoringModel.ReusedKvBytes, needed);
    }

    [Fact]
    public void GivenSequences_WhenCommonPrefixTaken_ThenEachKeepsAtLeastOneToken()
    {
        Assert.Equal(2, SweepRunner.CommonPrefix([[1, 2, 3], [1, 2, 4, 5]]));
        Assert.Equal(2, SweepRunner.CommonPrefix([[1, 2, 3], [1, 2, 3]]));
        Assert.Equal(0, SweepRunner.CommonPrefix([[7, 2], [1, 2]]));
    }

    [Fact]
    public void GivenLensRows_WhenSummarized_ThenTopFromLayerIsWhereTheLaterAnswersStayTopOne()
    {
        // 3 layers, 4 examples; the later examples are 3 and 4. Top-1 shares there: layer 0 ½, layer 1 ½, layer 2 1.
        LensMeasurement Row(int index, int layer, int rank) => new(1, index, layer, rank == 1 ? 0.9 : 0.1, rank, ["1"], [0.9], true);
        var rows = new List<LensMeasurement>();
        for (var index = 1; index <= 4; index++)
        {
            rows.Add(Row(index, 0, index == 3 ? 1 : 5));
            rows.Add(Row(index, 1, index == 4 ? 1 : 2));
            rows.Add(Row(index, 2, index >= 3 ? 1 : 3));
        }
        var summary = LensSummary.Of(rows, examples: 4);
        Assert.Equal(3, summary.LateFrom);
        Assert.Equal([0.5, 0.5, 1.0], summary.Layers.Select(l => l.LateTopOneFraction));
        Assert.Equal([0.25, 0.25, 0.5], summary.Layers.Select(l => l.TopOneFraction));
        Assert.Equal(0, summary.TopFromLayer);
        rows[6] = Row(3, 0, 7); // example 3 at layer 0 no longer top: the run of top-1 layers starts at 1

        Assert.Equal(1, LensSummary.Of(rows, 4).TopFromLayer);
        Assert.Null(LensSummary.Of(rows.Where(r => r.Layer < 2).Select(r => r with { RankCorrectFirst = 4 }).ToList(), 4).TopFromLayer);
    }
}
