using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Icl;

/// <summary>Parameters of <c>probe icl task-vector</c>.</summary>
/// <param name="Task">The task (a single function).</param>
/// <param name="Template">The prompt template.</param>
/// <param name="Examples">Examples in each K-shot context (K), before that context's own query.</param>
/// <param name="Contexts">K-shot contexts averaged into the task vector.</param>
/// <param name="Queries">Zero-shot queries the vector is injected into.</param>
/// <param name="XMin">Smallest x.</param>
/// <param name="XMax">Largest x.</param>
/// <param name="Seed">Seed of the x draws.</param>
public sealed record IclTaskVectorOptions(TaskSpec Task, PromptTemplate Template, int Examples = 8, int Contexts = 16, int Queries = 16, long XMin = 0, long XMax = 19, int Seed = 0)
{
    /// <summary>The most contexts or queries one run takes.</summary>
    public const int MaxCount = 4096;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the fix.</summary>
    public void Validate()
    {
        if (Task.IsFamily) throw new ArgumentException("a task vector needs a single function for --task, not a family");
        if (Examples is < 1 or > IclRunOptions.MaxExamples) throw new ArgumentException($"--examples must be between 1 and {IclRunOptions.MaxExamples} (got {Examples})");
        if (Contexts is < 1 or > MaxCount) throw new ArgumentException($"--contexts must be between 1 and {MaxCount} (got {Contexts})");
        if (Queries is < 1 or > MaxCount) throw new ArgumentException($"--queries must be between 1 and {MaxCount} (got {Queries})");
        if (XMax - XMin < Examples) throw new ArgumentException($"--x-range {XMin}..{XMax} is too small for {Examples} examples and a distinct query x");
    }
}

/// <summary>One layer of a task-vector run: P(correct answer) with its 95% interval over queries, and accuracy.</summary>
/// <param name="Layer">The block after which the vector is injected (l_out-Layer).</param>
/// <param name="PCorrect">P(the task's answer and its closing token), mean and 95% t-interval over queries.</param>
/// <param name="Accuracy">Fraction of queries whose P(answer and closing token) exceeds 0.5 (so greedy decoding gives it).</param>
public sealed record TaskVectorRow(int Layer, MeanInterval PCorrect, double Accuracy);

/// <summary>The outcome of <c>probe icl task-vector</c>: one row per layer, and the zero-shot and K-shot baselines on the same queries.</summary>
public sealed record IclTaskVectorResult(IclTaskVectorOptions Options, ModelIdentity Model, IReadOnlyList<TaskVectorRow> Rows, TaskVectorRow ZeroShot, TaskVectorRow FullIcl, string ExampleZeroShotPrompt);

/// <summary>A prompt tokenized with its last answer appended, where that answer lies, and the prompt's text up to that answer.</summary>
internal sealed record AnsweredPrompt(int[] Tokens, AnswerTokens Answer, string Text)
{
    /// <summary>The position that predicts the answer's first informative token (where the vector is read and written).</summary>
    public int FinalPosition => Answer.InformativeToken - 1;

    /// <summary>The positions whose ln P(next token) make up P(answer and closing token).</summary>
    public int[] AnswerPositions => Enumerable.Range(Answer.FirstAnswerToken - 1, Answer.ScoredCount).ToArray();
}

/// <summary>
/// Task vectors (Hendel et al. 2023): the residual after block L (l_out-L) at the final position of K-shot contexts of one
/// task, averaged over contexts, written at layer L into the final position of zero-shot prompts (just the query). The run
/// scores the task's answer there (teacher-forced, all its tokens and the closing token) and compares with the zero-shot
/// prompt unpatched and with a K-shot prompt for the same query.
/// </summary>
internal static class IclTaskVector
{
    public static IclTaskVectorResult Run(IScoringModel model, ModelIdentity identity, IclTaskVectorOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        options.Validate();
        var vectors = TaskVectors(model, options, progress, cancellation);
        var queries = Enumerable.Range(0, options.Queries).Select(q => QueryExamples(options, q)).ToList();
        var zeroShot = queries.Select(e => ZeroShot(model, options.Template, e[^1])).ToList();
        var fullIcl = queries.Select(e => Answered(model, options.Template, e, [])).ToList();
        var rows = new List<TaskVectorRow>();
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            cancellation.ThrowIfCancellationRequested();
            rows.Add(Score(model, layer, zeroShot.Select(z => new PatchedRequest(z.Tokens, new ResidualPatch(layer, z.FinalPosition, vectors[layer]), z.AnswerPositions)).ToList()));
            progress?.Report(new IclProgress("injecting", layer + 1, model.LayerCount));
        }
        var none = Score(model, -1, zeroShot.Select(z => new PatchedRequest(z.Tokens, null, z.AnswerPositions)).ToList());
        var icl = Score(model, -1, fullIcl.Select(z => new PatchedRequest(z.Tokens, null, z.AnswerPositions)).ToList());
        return new IclTaskVectorResult(options, identity, rows, none, icl, zeroShot[0].Text);
    }

    /// <summary>The task vector at every layer: mean l_out-L over the contexts at each one's final position. [n_layers][d_model]</summary>
    internal static float[][] TaskVectors(IScoringModel model, IclTaskVectorOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        var sums = new double[model.LayerCount][];
        for (var c = 0; c < options.Contexts; c++)
        {
            var context = Context(model, options, c);
            var prefix = context.Tokens[..(context.FinalPosition + 1)];
            for (var layer = 0; layer < model.LayerCount; layer++)
            {
                cancellation.ThrowIfCancellationRequested();
                var residual = model.CaptureResidual(prefix, layer, context.FinalPosition); // [d_model]
                sums[layer] ??= new double[residual.Length];
                for (var i = 0; i < residual.Length; i++) sums[layer][i] += residual[i];
            }
            progress?.Report(new IclProgress("task vector", c + 1, options.Contexts));
        }
        return sums.Select(s => s.Select(v => (float)(v / options.Contexts)).ToArray()).ToArray();
    }

    /// <summary>K-shot context <paramref name="context"/> (0-based): K examples and its own query, answered.</summary>
    internal static AnsweredPrompt Context(IScoringModel model, IclTaskVectorOptions options, int context)
    {
        var xs = ExampleSampler.DrawX(ExampleSampler.ContextRandom(options.Seed, context), options.Examples + 1, options.XMin, options.XMax, distinct: true);
        return Answered(model, options.Template, xs.Select(x => new IclExample(x, ContextPlan.Evaluate(options.Task.Function, x))).ToList(), []);
    }

    /// <summary>Query <paramref name="query"/> (0-based) with K examples before it, from streams after the contexts' so no query reuses a context's draws.</summary>
    private static List<IclExample> QueryExamples(IclTaskVectorOptions options, int query)
    {
        var xs = ExampleSampler.DrawX(ExampleSampler.ContextRandom(options.Seed, options.Contexts + query), options.Examples + 1, options.XMin, options.XMax, distinct: true);
        return xs.Select(x => new IclExample(x, ContextPlan.Evaluate(options.Task.Function, x))).ToList();
    }

    /// <summary>The zero-shot prompt of <paramref name="query"/>: the template's prefix and the query alone (after the vocabulary's BOS where the tokenizer adds none, as the sweep's zero-shot prompts).</summary>
    internal static AnsweredPrompt ZeroShot(IScoringModel model, PromptTemplate template, IclExample query) =>
        Answered(model, template, [query], SweepRunner.ZeroShotStart(model));

    private static AnsweredPrompt Answered(IScoringModel model, PromptTemplate template, IReadOnlyList<IclExample> examples, int[] start)
    {
        var prompt = PromptBuilder.Build(template, examples);
        var tokens = model.Tokenize(prompt.Text);
        if (tokens.Length + start.Length > model.ContextLength)
            throw new ArgumentException($"the prompt is {tokens.Length + start.Length} tokens, more than the model's context of {model.ContextLength}; pass fewer --examples");
        var a = TokenAlignment.Locate(model, tokens, prompt, template.Name)[^1];
        var shift = start.Length;
        var query = PromptBuilder.Query(template, examples, examples.Count - 1, examples[^1].X);
        return new AnsweredPrompt([.. start, .. tokens], new AnswerTokens(a.FirstAnswerToken + shift, a.CloseToken + shift, a.InformativeToken + shift), query);
    }

    private static TaskVectorRow Score(IScoringModel model, int layer, IReadOnlyList<PatchedRequest> requests)
    {
        var p = model.EvaluatePatchedBatch(requests).Select(logProbs => Math.Exp(logProbs.Sum())).ToArray();
        return new TaskVectorRow(layer, MeanInterval.Of(p, 0, 1), p.Count(v => v > 0.5) / (double)p.Length);
    }
}
