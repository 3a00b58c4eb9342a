using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.TaskVector;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

[Collection("icl")]
public sealed class FunctionVectorTests(IclModels models)
{
    private static IclTaskVectorOptions Options(string? into = null, int heads = 0) =>
        new(TaskParser.Parse("2x+3"), IclModels.Template(), Examples: 4, Contexts: 3, Queries: 4, Seed: 5, IntoTask: into is null ? null : TaskParser.Parse(into), Heads: heads);

    [Fact]
    public void GivenAllHeadsOfALayer_WhenSummed_ThenTheFunctionVectorIsTheAttentionBlocksMeanOutput()
    {
        var model = models.Scoring;
        var options = Options();
        var fv = IclFunctionVector.Measure(model, options, null, CancellationToken.None);
        var dla = DirectLogitAttribution.Create(models.Model);
        // Independently: the attention block's write to the residual, ffn_inp-L − l_out-(L−1), averaged over the same contexts.
        var d = models.Model.Info.EmbeddingSize;
        var expected = new double[model.LayerCount][];
        for (var c = 0; c < options.Contexts; c++)
        {
            var context = IclTaskVector.Context(model, options, c);
            var prefix = context.Tokens[..(context.FinalPosition + 1)];
            var llama = model.Context(prefix.Length, 1);
            llama.ClearMemory();
            var capture = llama.Evaluate([new SequenceInput(prefix, 0)], new EvaluationOptions
            {
                Capture = CaptureRequest.AllLayers(model.LayerCount, [context.FinalPosition]) with { Activations = [GraphActivation.InpEmbd, GraphActivation.FfnInp] },
            })[0].Capture!;
            for (var l = 0; l < model.LayerCount; l++)
            {
                var before = l == 0 ? capture.Activation(GraphActivation.InpEmbd, 0, context.FinalPosition) : capture.Residual(l - 1, context.FinalPosition);
                var mid = capture.Activation(GraphActivation.FfnInp, l, context.FinalPosition);
                expected[l] ??= new double[d];
                for (var k = 0; k < d; k++) expected[l][k] += ((double)mid[k] - before[k]) / options.Contexts;
            }
        }
        for (var l = 0; l < model.LayerCount; l++)
        {
            var heads = Enumerable.Range(0, dla.HeadCountsPerLayer[l]).Select(h => (l, h)).ToList();
            var bias = dla.AttentionOutputBias(l);
            var all = fv.Sum(heads).Select((v, k) => v + (bias?[k] ?? 0)).ToArray();
            Assert.True(RelativeError(all, expected[l]) < 1e-4, $"layer {l}: relative error {RelativeError(all, expected[l]):E2}");
            // The check can fail: one head fewer is not the block's output.
            var missing = fv.Sum(heads.Skip(1)).Select((v, k) => v + (bias?[k] ?? 0)).ToArray();
            Assert.True(RelativeError(missing, expected[l]) > 1e-2, $"layer {l}: without head 0 still within {RelativeError(missing, expected[l]):E2}");
        }
    }

    [Fact]
    public void GivenTopHeads_WhenBuilt_ThenTheyAreTheLargestMeanAttributionsAndTheVectorIsTheirSum()
    {
        var fv = IclFunctionVector.Measure(models.Scoring, Options(), null, CancellationToken.None);
        var vector = fv.Build(3);
        var all = fv.MeanAttribution.SelectMany(a => a).OrderDescending().ToArray();
        Assert.Equal(all.Take(3), vector.Heads.Select(h => h.MeanAttribution));
        Assert.Equal(fv.Sum(vector.Heads.Select(h => (h.Layer, h.Head))), vector.Vector);
        Assert.True(vector.Completeness.Passed);
        Assert.Throws<ArgumentException>(() => fv.Build(all.Length + 1));
    }

    [Fact]
    public void GivenWrongTaskPrompts_WhenRun_ThenPOwnRuleIsTheIntoTasksAnswerOnItsOwnKShotPrompt()
    {
        var model = models.Scoring;
        var options = Options(into: "3x+1");
        var result = IclTaskVector.Run(model, models.Identity, options, null, CancellationToken.None);
        // Independently, through the harness's unpatched scoring path: each query's K-shot prompt of 3x+1, its own answer teacher-forced.
        var own = new double[options.Queries];
        var task = new double[options.Queries];
        for (var q = 0; q < options.Queries; q++)
        {
            var xs = IclTaskVector.QueryExamples(options, q).Select(e => e.X).ToList();
            var wrong = xs.Select(x => new IclExample(x, 3 * x + 1)).ToList();
            own[q] = PAnswer(model, options.Template, wrong);
            task[q] = PAnswer(model, options.Template, [.. wrong.SkipLast(1), new IclExample(xs[^1], 2 * xs[^1] + 3)]);
        }
        // The untrained test model gives both answers tiny probabilities: compare relatively.
        Assert.True(Relative(own.Average(), result.Unpatched.POwnRule!.Mean) < 1e-6, $"P(own rule) {result.Unpatched.POwnRule.Mean} vs {own.Average()}");
        Assert.True(Relative(task.Average(), result.Unpatched.PCorrect.Mean) < 1e-6, $"P(task) {result.Unpatched.PCorrect.Mean} vs {task.Average()}");
        Assert.Equal(own.Count(p => p > 0.5), result.Unpatched.AccuracyOwnRule!.Successes);
        Assert.True(Relative(result.Unpatched.PCorrect.Mean, result.Unpatched.POwnRule.Mean) > 1e-2); // two different answers
        Assert.All(result.Rows, r => Assert.NotNull(r.POwnRule));
        Assert.Null(result.FullIcl.POwnRule);
    }

    [Fact]
    public void GivenTheTaskItselfAsTheIntoTask_WhenRun_ThenPOwnRuleEqualsPCorrectInEveryRow()
    {
        var result = IclTaskVector.Run(models.Scoring, models.Identity, Options(into: "2x+3"), null, CancellationToken.None);
        Assert.All(result.Rows.Append(result.Unpatched), r => Assert.Equal(r.PCorrect, r.POwnRule));
    }

    [Fact]
    public void GivenHeads_WhenRun_ThenFunctionVectorRowsPerLayerAndTheVectorIsAddedNotWritten()
    {
        var model = models.Scoring;
        var options = Options(heads: 2);
        var vector = IclFunctionVector.Measure(model, options, null, CancellationToken.None).Build(2);
        var result = IclTaskVector.Run(model, models.Identity, options, null, CancellationToken.None, vector);
        Assert.Equal(model.LayerCount, result.FunctionVectorRows!.Count);
        // A zero function vector adds nothing: every row is the unpatched zero-shot prompt.
        var zero = vector with { Vector = new float[vector.Vector.Length] };
        var none = IclTaskVector.Run(model, models.Identity, options, null, CancellationToken.None, zero);
        Assert.All(none.FunctionVectorRows!, r => Assert.True(Relative(none.Unpatched.PCorrect.Mean, r.PCorrect.Mean) < 1e-6, $"layer {r.Layer}: {r.PCorrect.Mean} vs {none.Unpatched.PCorrect.Mean}"));
        Assert.Contains(result.FunctionVectorRows!, r => Relative(r.PCorrect.Mean, result.Unpatched.PCorrect.Mean) > 1e-2);
    }

    private static double PAnswer(IScoringModel model, PromptTemplate template, IReadOnlyList<IclExample> examples)
    {
        var prompt = PromptBuilder.Build(template, examples);
        var tokens = model.Tokenize(prompt.Text);
        var a = TokenAlignment.Locate(model, tokens, prompt, template.Name)[^1];
        var positions = Enumerable.Range(a.FirstAnswerToken - 1, a.ScoredCount).ToArray();
        var result = model.Evaluate([new EvalRequest(tokens, positions, [])], lens: false, CancellationToken.None)[0];
        return Math.Exp(result.Scores.Sum(s => s.LogProbNext));
    }

    private static double Relative(double a, double b) => Math.Abs(a - b) / Math.Max(Math.Abs(a), Math.Abs(b));

    private static double RelativeError(float[] actual, double[] expected)
    {
        double error = 0, norm = 0;
        for (var k = 0; k < expected.Length; k++)
        {
            error += (actual[k] - expected[k]) * (actual[k] - expected[k]);
            norm += expected[k] * expected[k];
        }
        return Math.Sqrt(error / norm);
    }
}
