using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Icl.TaskVector;

/// <summary>Parameters of <c>probe icl task-vector</c>.</summary>
/// <param name="Task">The task (a single function).</param>
/// <param name="Template">The prompt template.</param>
/// <param name="Examples">Examples in each K-shot context (K), before that context's own query.</param>
/// <param name="Contexts">K-shot contexts averaged into the task vector.</param>
/// <param name="Queries">Zero-shot queries the vector is injected into.</param>
/// <param name="XMin">Smallest x.</param>
/// <param name="XMax">Largest x.</param>
/// <param name="Seed">Seed of the x draws.</param>
/// <param name="IntoTask">Inject into K-shot prompts of this task (wrong-task prompts) instead of zero-shot prompts; null: zero-shot.</param>
/// <param name="Heads">Also build the function vector of the top-k heads by attribution and inject it (Todd et al. 2024); 0: none.</param>
public sealed record IclTaskVectorOptions(TaskSpec Task, PromptTemplate Template, int Examples = 8, int Contexts = 16, int Queries = 16, long XMin = 0, long XMax = 19, int Seed = 0,
    TaskSpec? IntoTask = null, int Heads = 0)
{
    /// <summary>The most contexts or queries one run takes.</summary>
    public const int MaxCount = 4096;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the fix.</summary>
    public void Validate()
    {
        if (Task.IsFamily) throw new ArgumentException("a task vector needs a single function for Task, not a family").Naming(nameof(Task));
        if (Examples is < 1 or > IclRunOptions.MaxExamples) throw new ArgumentException($"Examples must be between 1 and {IclRunOptions.MaxExamples} (got {Examples})").Naming(nameof(Examples));
        if (Contexts is < 1 or > MaxCount) throw new ArgumentException($"Contexts must be between 1 and {MaxCount} (got {Contexts})").Naming(nameof(Contexts));
        if (Queries is < 1 or > MaxCount) throw new ArgumentException($"Queries must be between 1 and {MaxCount} (got {Queries})").Naming(nameof(Queries));
        if (XMax < XMin) throw new ArgumentException($"XMin..XMax {XMin}..{XMax} is empty; pass LO..HI with LO <= HI").Naming(IclRunOptions.XRange);
        if (ExampleSampler.CountValues(XMin, XMax) < (ulong)Examples + 1)
            throw new ArgumentException($"XMin..XMax {XMin}..{XMax} holds {ExampleSampler.CountValues(XMin, XMax)} values, too few for {Examples} examples and a distinct query x; widen XMin..XMax or lower Examples")
                .Naming(IclRunOptions.XRange, nameof(Examples));
        if (IntoTask is { IsFamily: true }) throw new ArgumentException("IntoTask needs a single function, not a family").Naming(nameof(IntoTask));
        if (Heads is < 0 or > MaxCount) throw new ArgumentException($"Heads must be between 0 and {MaxCount} (got {Heads})").Naming(nameof(Heads));
    }
}

/// <summary>One layer of a task-vector run (or a baseline, layer −1): P and accuracy under the injected task and, for wrong-task prompts, under the prompt's own rule.</summary>
/// <param name="Layer">The block after which the vector is injected (l_out-Layer); −1 for a baseline.</param>
/// <param name="PCorrect">P(the injected task's answer and its closing token), mean and 95% t-interval over queries.</param>
/// <param name="Accuracy">Fraction of queries whose P(answer and closing token) exceeds 0.5 (so greedy decoding gives it), with its 95% Wilson interval.</param>
/// <param name="POwnRule">P(the answer of the prompt's own task) for wrong-task prompts; null for zero-shot prompts.</param>
/// <param name="AccuracyOwnRule">Accuracy under the prompt's own task; null for zero-shot prompts.</param>
public sealed record TaskVectorRow(int Layer, MeanInterval PCorrect, Proportion Accuracy, MeanInterval? POwnRule = null, Proportion? AccuracyOwnRule = null);

/// <summary>The outcome of <c>probe icl task-vector</c>: one row per layer, and the no-injection and K-shot baselines on the same queries.</summary>
/// <param name="Options">The run's options.</param>
/// <param name="Model">The model.</param>
/// <param name="Rows">Per layer, the mean K-shot residual written in place of l_out-L (Hendel et al. 2023).</param>
/// <param name="Unpatched">The injected-into prompts without injection (zero-shot, or the wrong-task K-shot prompts).</param>
/// <param name="FullIcl">K-shot prompts of the task itself for the same queries (no own rule).</param>
/// <param name="ExamplePrompt">The first injected-into prompt's text up to its answer.</param>
public sealed record IclTaskVectorResult(IclTaskVectorOptions Options, ModelIdentity Model, IReadOnlyList<TaskVectorRow> Rows, TaskVectorRow Unpatched, TaskVectorRow FullIcl, string ExamplePrompt)
{
    /// <summary>Per layer, the function vector added to l_out-L; null without <see cref="IclTaskVectorOptions.Heads"/>.</summary>
    public IReadOnlyList<TaskVectorRow>? FunctionVectorRows { get; init; }

    /// <summary>The function vector's heads; null without <see cref="IclTaskVectorOptions.Heads"/>.</summary>
    public FunctionVector? FunctionVector { get; init; }

    /// <summary>True when the run was interrupted: <see cref="Rows"/> holds only the layers that finished (the baselines are complete).</summary>
    public bool Partial { get; init; }
}

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
    /// <summary>Runs the task vector (and, given <paramref name="functionVector"/>, the function vector) at every layer.</summary>
    public static IclTaskVectorResult Run(IScoringModel model, ModelIdentity identity, IclTaskVectorOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation,
        FunctionVector? functionVector = null)
    {
        // options were checked once, by the entry point (IclHarnessRun.TaskVector), before the model was loaded.
        var vectors = TaskVectors(model, options, progress, cancellation);
        var queries = Enumerable.Range(0, options.Queries).Select(q => QueryExamples(options, q)).ToList();
        var targets = queries.Select(e => Targets(model, options, e)).ToList();
        var fullIcl = queries.Select(e => Answered(model, options.Template, e, [])).ToList();
        // The baselines first, so that an interrupted run keeps them with the layers that finished.
        var none = Score(model, -1, targets, _ => null, _ => null);
        var icl = Score(model, -1, fullIcl.Select(f => (Task: f, Own: (AnsweredPrompt?)null)).ToList(), _ => null, _ => null);
        var rows = new List<TaskVectorRow>();
        var fvRows = functionVector is null ? null : new List<TaskVectorRow>();
        // The function vector is added to each prompt's own l_out-L, so each prompt's residuals are read once.
        var own = functionVector is null ? null : targets.Select(t => (Task: AllLayers(model, t.Task), Own: t.Own is null ? null : AllLayers(model, t.Own))).ToList();
        var partial = false;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            // Ctrl-C between layers keeps the finished layers (marked partial); before the first one there is nothing to keep.
            if (cancellation.IsCancellationRequested && rows.Count > 0)
            {
                partial = true;
                break;
            }
            cancellation.ThrowIfCancellationRequested();
            var l = layer;
            rows.Add(Score(model, layer, targets, _ => vectors[l], _ => vectors[l]));
            if (functionVector is not null)
                fvRows!.Add(Score(model, layer, targets, q => Add(own![q].Task[l], functionVector.Vector), q => Add(own![q].Own![l], functionVector.Vector)));
            progress?.Report(new IclProgress("injecting", layer + 1, model.LayerCount));
        }
        return new IclTaskVectorResult(options, identity, rows, none, icl, targets[0].Task.Text) { FunctionVectorRows = fvRows, FunctionVector = functionVector, Partial = partial };
    }

    /// <summary>The prompt a query is injected into, answered by the task, and (wrong-task prompts) answered by the prompt's own task.</summary>
    internal static (AnsweredPrompt Task, AnsweredPrompt? Own) Targets(IScoringModel model, IclTaskVectorOptions options, IReadOnlyList<IclExample> examples)
    {
        var query = examples[^1];
        if (options.IntoTask is not { } into) return (ZeroShot(model, options.Template, query), null);
        var wrong = examples.Select(e => new IclExample(e.X, ContextPlan.Evaluate(into.Function, e.X))).ToList();
        var task = Answered(model, options.Template, [.. wrong.SkipLast(1), query], []);
        return (task, Answered(model, options.Template, wrong, []));
    }

    private static float[][] AllLayers(IScoringModel model, AnsweredPrompt prompt)
    {
        var prefix = prompt.Tokens[..(prompt.FinalPosition + 1)];
        return model is LlamaScoringModel llama
            ? IclFunctionVector.ResidualsAtAllLayers(llama, prefix, prompt.FinalPosition) // one decode for all layers
            : Enumerable.Range(0, model.LayerCount).Select(l => model.CaptureResidual(prefix, l, prompt.FinalPosition)).ToArray();
    }

    private static float[] Add(float[] residual, float[] vector)
    {
        var sum = new float[residual.Length];
        for (var k = 0; k < sum.Length; k++) sum[k] = residual[k] + vector[k];
        return sum;
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
    internal static List<IclExample> QueryExamples(IclTaskVectorOptions options, int query)
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
            throw new ArgumentException($"the prompt is {tokens.Length + start.Length} tokens, more than the model's context of {model.ContextLength}; lower Examples").Naming("Examples");
        var a = TokenAlignment.Locate(model, tokens, prompt, template.Name)[^1];
        var shift = start.Length;
        var query = PromptBuilder.Query(template, examples, examples.Count - 1, examples[^1].X);
        return new AnsweredPrompt([.. start, .. tokens], new AnswerTokens(a.FirstAnswerToken + shift, a.CloseToken + shift, a.InformativeToken + shift), query);
    }

    /// <summary>
    /// P(answer) of every target with <paramref name="injected"/>(query) written at its final position at <paramref name="layer"/>
    /// (null: unpatched), and of the own-rule answers with <paramref name="injectedOwn"/>(query), in one batched pass.
    /// </summary>
    private static TaskVectorRow Score(IScoringModel model, int layer, IReadOnlyList<(AnsweredPrompt Task, AnsweredPrompt? Own)> targets,
        Func<int, float[]?> injected, Func<int, float[]?> injectedOwn)
    {
        var requests = targets.Select((t, q) => Request(t.Task, layer, injected(q))).ToList();
        var ownIndex = new List<int>();
        for (var q = 0; q < targets.Count; q++)
            if (targets[q].Own is { } own)
            {
                ownIndex.Add(requests.Count);
                requests.Add(Request(own, layer, injectedOwn(q)));
            }
        var p = model.EvaluatePatchedBatch(requests).Select(logProbs => Math.Exp(logProbs.Sum())).ToArray();
        var task = p[..targets.Count];
        var row = new TaskVectorRow(layer, MeanInterval.Of(task, 0, 1), Proportion.Wilson(task.Count(v => v > 0.5), task.Length));
        if (ownIndex.Count == 0) return row;
        var ownP = ownIndex.Select(i => p[i]).ToArray();
        return row with { POwnRule = MeanInterval.Of(ownP, 0, 1), AccuracyOwnRule = Proportion.Wilson(ownP.Count(v => v > 0.5), ownP.Length) };
    }

    private static PatchedRequest Request(AnsweredPrompt prompt, int layer, float[]? vector) =>
        new(prompt.Tokens, vector is null ? null : new ResidualPatch(layer, prompt.FinalPosition, vector), prompt.AnswerPositions);
}
