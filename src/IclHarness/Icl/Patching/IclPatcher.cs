using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Patching;

/// <summary>
/// Activation patching (seed 004): the residual after block L at the source prompt's final position is
/// written into the target prompt's final position (llama.cpp <c>cb_eval</c>), and three candidate answers
/// are scored teacher-forced: the target rule's, the source rule's at the target's x, and the source's literal answer.
/// Each candidate is patched at its own position that predicts its first informative token (a space token in front
/// of the digits, as Llama's vocabulary makes, belongs to the prompt: every rule predicts it alike). Candidates of
/// different sign start there at different tokens (" -" against " " then "9" in Llama 3, Llama 2, Qwen2), so one
/// position could not serve them all.
/// </summary>
internal static class IclPatcher
{
    public static IclPatchResult Run(IScoringModel model, ModelIdentity identity, IclPatchOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        var setup = Prepare(model, options);
        var candidates = setup.Candidates;
        var rows = new List<PatchRow>();
        for (var layer = -1; layer < model.LayerCount; layer++)
        {
            cancellation.ThrowIfCancellationRequested();
            var residual = layer < 0 ? null : model.CaptureResidual(setup.SourceTokens[..(setup.SourcePosition + 1)], layer, setup.SourcePosition);
            var p = candidates.Select(c =>
            {
                var logProbs = model.EvaluatePatched(c.Tokens, residual is null ? null : new ResidualPatch(layer, c.Answer.InformativeToken - 1, residual));
                return AnswerProbability(logProbs, c.Answer);
            }).ToArray();
            rows.Add(new PatchRow(layer, p[0], p[1], p[2]));
            progress?.Report(new IclProgress("patching", layer + 2, model.LayerCount + 1));
        }
        return setup.Result(options, identity, rows);
    }

    /// <summary>P(candidate) from ln P(next token) at every position: the product over the answer's tokens and its closing token.</summary>
    internal static double AnswerProbability(double[] logProbs, AnswerTokens answer)
    {
        var sum = 0.0;
        for (var pos = answer.FirstAnswerToken - 1; pos < answer.CloseToken; pos++) sum += logProbs[pos];
        return Math.Exp(sum);
    }

    /// <summary>The prompts both the per-layer patch and the grid score: the source prompt and its patched position, and the three candidates.</summary>
    internal static PatchSetup Prepare(IScoringModel model, IclPatchOptions options)
    {
        // options were checked once, by the entry point (IclHarnessRun.Patch or PatchGrid), before the model was loaded.
        var source = options.Source.Function;
        var target = options.Target.Function;
        var random = ExampleSampler.ContextRandom(options.Seed, 0);
        var xs = ExampleSampler.DrawX(random, options.Examples + 2, options.XMin, options.XMax, distinct: true);
        var shared = xs[..options.Examples];
        long xSource = xs[^2], xTarget = xs[^1];
        var sourceExamples = shared.Select(x => new IclExample(x, ContextPlan.Evaluate(source, x))).ToList();
        var targetExamples = shared.Select(x => new IclExample(x, ContextPlan.Evaluate(target, x))).ToList();
        var yTarget = ContextPlan.Evaluate(target, xTarget);
        var ySourceRule = ContextPlan.Evaluate(source, xTarget);
        var ySourceLiteral = ContextPlan.Evaluate(source, xSource);

        // The source prompt with its own answer appended, to locate the position before the answer.
        var (sourceTokens, sourceAnswer) = Tokenized(model, options.Template, [.. sourceExamples, new IclExample(xSource, ySourceLiteral)]);
        var candidates = new[] { yTarget, ySourceRule, ySourceLiteral }
            .Select(y => Tokenized(model, options.Template, [.. targetExamples, new IclExample(xTarget, y)])).ToArray();
        var text = PromptBuilder.Query(options.Template, targetExamples, targetExamples.Count, xTarget);
        var sourceText = PromptBuilder.Query(options.Template, sourceExamples, sourceExamples.Count, xSource);
        return new PatchSetup(sourceTokens, sourceAnswer.InformativeToken - 1, candidates, sourceText, text, xSource, xTarget, yTarget, ySourceRule, ySourceLiteral);
    }

    private static (int[] Tokens, AnswerTokens Answer) Tokenized(IScoringModel model, PromptTemplate template, IReadOnlyList<IclExample> examples)
    {
        var prompt = PromptBuilder.Build(template, examples);
        var tokens = model.Tokenize(prompt.Text);
        if (tokens.Length > model.ContextLength)
            throw new ArgumentException($"the patching prompt is {tokens.Length} tokens, {tokens.Length - model.ContextLength} more than the model's context of {model.ContextLength}; lower Examples").Naming("Examples");
        var answers = TokenAlignment.Locate(model, tokens, prompt, template.Name);
        return (tokens, answers[^1]);
    }
}
