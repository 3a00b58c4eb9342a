using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.TaskVector;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Tests.Icl;

[Collection("icl")]
public sealed class TaskVectorTests(IclModels models)
{
    private static IclTaskVectorOptions Options(int contexts = 1) => new(TaskParser.Parse("2x+3"), IclModels.Template(), Examples: 5, Contexts: contexts, Queries: 4, Seed: 3);

    [Fact]
    public void GivenOneContext_WhenInjectedAtTheLastLayer_ThenTheZeroShotNextTokenDistributionIsTheContexts()
    {
        var model = models.Scoring;
        var options = Options();
        var last = model.LayerCount - 1;
        var vector = IclTaskVector.TaskVectors(model, options, null, CancellationToken.None)[last];
        var context = IclTaskVector.Context(model, options, 0);
        var zeroShot = IclTaskVector.ZeroShot(model, options.Template, new IclExample(7, 17));
        Assert.True(zeroShot.Tokens.Length < context.Tokens.Length); // really a different, shorter prompt
        // The full next-token distribution at the patched position: each vocabulary token appended, its ln P read there.
        var contextPrefix = context.Tokens[..(context.FinalPosition + 1)];
        var zeroPrefix = zeroShot.Tokens[..(zeroShot.FinalPosition + 1)];
        var vocabulary = Enumerable.Range(0, model.VocabSize).ToArray();
        var inContext = model.EvaluatePatchedBatch(vocabulary.Select(v => new PatchedRequest([.. contextPrefix, v], null, [context.FinalPosition])).ToList())
            .Select(l => l[0]).ToArray();
        var injected = model.EvaluatePatchedBatch(vocabulary.Select(v => new PatchedRequest([.. zeroPrefix, v], new ResidualPatch(last, zeroShot.FinalPosition, vector), [zeroShot.FinalPosition])).ToList())
            .Select(l => l[0]).ToArray();
        var unpatched = model.EvaluatePatchedBatch(vocabulary.Select(v => new PatchedRequest([.. zeroPrefix, v], null, [zeroShot.FinalPosition])).ToList())
            .Select(l => l[0]).ToArray();
        Assert.Equal(1.0, inContext.Sum(Math.Exp), 1e-5); // the vocabulary really is the whole distribution
        var kl = vocabulary.Sum(v => Math.Exp(inContext[v]) * (inContext[v] - injected[v]));
        Assert.True(kl < 1e-6, $"KL(context || injected) = {kl}");
        Assert.All(vocabulary, v => Assert.Equal(inContext[v], injected[v], 1e-6));
        // The check can fail: without the injection the zero-shot prompt predicts something else.
        var klUnpatched = vocabulary.Sum(v => Math.Exp(inContext[v]) * (inContext[v] - unpatched[v]));
        Assert.True(klUnpatched > 1e-3, $"KL(context || zero-shot) = {klUnpatched}");
    }

    [Fact]
    public void GivenContexts_WhenRun_ThenOneRowPerLayerWithIntervalsAndTheSameNumbersTwice()
    {
        var result = IclTaskVector.Run(models.Scoring, models.Identity, Options(contexts: 3), null, CancellationToken.None);
        Assert.Equal(models.Scoring.LayerCount, result.Rows.Count);
        Assert.Equal(Enumerable.Range(0, models.Scoring.LayerCount), result.Rows.Select(r => r.Layer));
        Assert.All(result.Rows, r => Assert.InRange(r.PCorrect.Mean, r.PCorrect.Lo, r.PCorrect.Hi));
        Assert.All(result.Rows, r => Assert.Equal(4, r.PCorrect.Count));
        Assert.All(result.Rows, r => Assert.InRange(r.Accuracy.Value, r.Accuracy.Lo, r.Accuracy.Hi));
        Assert.All(result.Rows, r => Assert.Null(r.POwnRule)); // zero-shot prompts have no rule of their own
        Assert.Equal(4, result.Unpatched.PCorrect.Count);
        Assert.Equal(4, result.FullIcl.PCorrect.Count);
        // Same seed, same numbers.
        var again = IclTaskVector.Run(models.Scoring, models.Identity, Options(contexts: 3), null, CancellationToken.None);
        Assert.Equal(result.Rows, again.Rows);
    }

    [Theory]
    [InlineData(0, 4, "Contexts")]
    [InlineData(1, 0, "Queries")]
    public void GivenBadCounts_WhenValidated_ThenOneLineNamesTheProperty(int contexts, int queries, string property)
    {
        var e = Assert.Throws<ArgumentException>(() => (Options() with { Contexts = contexts, Queries = queries }).Validate());
        Assert.StartsWith(property + " must be", e.Message);
        Assert.Equal([property], OptionNames.In(e));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void GivenCtrlCAfterTheFirstLayer_WhenRun_ThenTheFinishedLayersAndBaselinesAreKeptMarkedPartial()
    {
        Assert.True(models.Scoring.LayerCount >= 2, "the test needs a layer left to skip");
        using var cts = new CancellationTokenSource();
        var progress = new Progress(p =>
        {
            if (p.Stage == "injecting" && p.Done == 1) cts.Cancel();
        });
        var result = IclTaskVector.Run(models.Scoring, models.Identity, Options(), progress, cts.Token);
        Assert.True(result.Partial);
        Assert.Single(result.Rows);
        Assert.Equal(4, result.Unpatched.PCorrect.Count);
        Assert.Equal(4, result.FullIcl.PCorrect.Count);
        // The kept layer is the one an uninterrupted run measures.
        Assert.Equal(IclTaskVector.Run(models.Scoring, models.Identity, Options(), null, CancellationToken.None).Rows[0], result.Rows[0]);
        var folder = Directory.CreateTempSubdirectory("tv-partial-").FullName;
        try
        {
            IclTaskVectorWriter.Write(result, folder, new RunRecord("icl task-vector", DateTimeOffset.UtcNow), plots: false);
            Assert.Equal(2, File.ReadAllLines(Path.Combine(folder, "task_vector.csv")).Length);
            Assert.Contains("\"partial\": true", File.ReadAllText(Path.Combine(folder, "run.json")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class Progress(Action<IclProgress> report) : IProgress<IclProgress>
    {
        public void Report(IclProgress value) => report(value);
    }
}
