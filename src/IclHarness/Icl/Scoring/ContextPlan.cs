using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Scoring;

/// <summary>One context, ready to evaluate: its function, examples, text and tokens.</summary>
internal sealed record ContextPlan(int Context, IntegerFunction Function, IReadOnlyList<IclExample> Examples, PromptText Prompt, int[] Tokens, AnswerTokens[] Answers)
{
    /// <summary>Draws and tokenizes context <paramref name="context"/> (0-based) of a run.</summary>
    public static ContextPlan Create(IScoringModel model, IclRunOptions options, int context)
    {
        var random = ExampleSampler.ContextRandom(options.Seed, context);
        var function = options.Task.Draw(random);
        var xs = ExampleSampler.DrawX(random, options.Examples, options.XMin, options.XMax, options.Distinct);
        var examples = xs.Select(x => new IclExample(x, Evaluate(function, x))).ToList();
        var prompt = PromptBuilder.Build(options.Template, examples);
        var tokens = model.Tokenize(prompt.Text);
        if (tokens.Length > model.ContextLength)
            throw new ArgumentException(
                $"the prompt of context {context + 1} is {tokens.Length} tokens, {tokens.Length - model.ContextLength} more than the model's context of {model.ContextLength}; lower Examples").Naming("Examples");
        var answers = TokenAlignment.Locate(model, tokens, prompt, options.Template.Name);
        return new ContextPlan(context + 1, function, examples, prompt, tokens, answers);
    }

    /// <summary>f(x), turning overflow into a message that names the fix.</summary>
    public static long Evaluate(IntegerFunction function, long x)
    {
        try
        {
            return function.Apply(x);
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"{function} overflows a 64-bit integer at x = {x}; narrow XMin..XMax").Naming(IclRunOptions.XRange);
        }
    }

    /// <summary>The request for one teacher-forced pass: every answer token and closing token scored, the lens before each answer's first informative token.</summary>
    public EvalRequest Request()
    {
        var scored = Answers.SelectMany(a => Enumerable.Range(a.FirstAnswerToken - 1, a.ScoredCount)).ToArray();
        var before = Answers.Select(a => a.InformativeToken - 1).ToArray();
        return new EvalRequest(Tokens, scored, before);
    }
}
