using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Patching;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.RealTokenizers;

[Collection("real-tokenizers")]
public sealed class PatchTests(RealTokenizerModels models)
{
    [Theory]
    [InlineData("llama-bpe", true)]
    [InlineData("llama-spm", true)]
    [InlineData("qwen2", true)]
    [InlineData("gpt-2", false)]
    public void GivenCandidatesOfDifferentSign_WhenPatchedAtTheLastLayer_ThenEachCandidatesOwnInformativeTokenGetsTheSourcesPrediction(string name, bool splitsTheSpace)
    {
        var scoring = models.Scoring(name);
        var template = PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory);
        var options = new IclPatchOptions(TaskParser.Parse("-2x+1"), TaskParser.Parse("2x+3"), template, Examples: 4, Seed: 2);
        var result = IclPatcher.Run(scoring, models.Identity(name), options, null, CancellationToken.None);
        Assert.True(result.SourceRuleAnswer < 0 && result.TargetRuleAnswer > 0);

        // Rebuild what the patcher scores: the last block's output at a position feeds only that position's logits, so
        // patching it changes exactly one factor of P(candidate), the one of the candidate's first informative token,
        // which must then come from the source prompt's prediction of that token.
        var xs = ExampleSampler.DrawX(ExampleSampler.ContextRandom(2, 0), 6, 0, 19, distinct: true);
        IclExample[] Examples(Func<long, long> f, long x, long y) => [.. xs[..4].Select(v => new IclExample(v, f(v))), new IclExample(x, y)];
        (int[] Tokens, AnswerTokens Answer) Tokenized(IclExample[] examples)
        {
            var prompt = PromptBuilder.Build(template, examples);
            var tokens = scoring.Tokenize(prompt.Text);
            return (tokens, TokenAlignment.Locate(scoring, tokens, prompt, "pairs")[^1]);
        }
        var source = Tokenized(Examples(x => -2 * x + 1, xs[4], result.SourceLiteralAnswer));
        using var context = scoring.Model.CreateContext(new Probing.IclHarness.Llama.LlamaContextOptions { ContextSize = 512, Threads = 1 });
        var sourceLogProbs = context.Evaluate(source.Tokens[..source.Answer.InformativeToken], new Probing.IclHarness.Llama.EvaluationOptions { AllPositions = false }).LastLogProbs;
        var candidates = new[] { result.TargetRuleAnswer, result.SourceRuleAnswer, result.SourceLiteralAnswer }
            .Select(y => Tokenized(Examples(x => 2 * x + 3, xs[5], y))).ToArray();
        // " 9" is " " then "9" here but " -5" is " -" then "5": the informative tokens sit at different offsets.
        if (splitsTheSpace) Assert.NotEqual(candidates[0].Answer.InformativeToken - candidates[0].Answer.FirstAnswerToken,
            candidates[1].Answer.InformativeToken - candidates[1].Answer.FirstAnswerToken);
        var unpatched = result.Rows[0];
        var last = result.Rows[^1];
        var ratios = new[] { last.PTargetRule / unpatched.PTargetRule, last.PSourceRule / unpatched.PSourceRule, last.PSourceLiteral / unpatched.PSourceLiteral };
        for (var i = 0; i < 3; i++)
        {
            var (tokens, answer) = candidates[i];
            var informative = tokens[answer.InformativeToken];
            var before = scoring.EvaluatePatched(tokens, null);
            var expected = Math.Exp(sourceLogProbs[informative] - before[answer.InformativeToken - 1]);
            Assert.True(Math.Abs(ratios[i] - expected) <= 1e-3 * expected, $"candidate {i}: {ratios[i]} vs {expected}");
        }
    }
}
