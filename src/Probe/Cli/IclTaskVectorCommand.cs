using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.TaskVector;
using Probing.IclHarness.Icl.Tasks;

namespace Probing.Cli;

/// <summary><c>probe icl task-vector --task 2x+3</c>: the mean K-shot residual injected into zero-shot prompts, layer by layer (Hendel et al. 2023).</summary>
internal static class IclTaskVectorCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("task-vector", "Average l_out-L at the final position over K-shot contexts of a task and inject it at layer L into zero-shot (or --into-task) prompts; P(correct) and accuracy per layer against the no-injection and K-shot baselines; --heads k adds the function vector of the top-k heads.");
        var task = new Option<string>("--task") { Description = "Function, e.g. 2x+3", Required = true };
        var model = IclCommands.ModelOption();
        var template = IclCommands.TemplateOption();
        var examples = new Option<int>("--examples") { Description = "Examples K in each context (and in the K-shot baseline)", DefaultValueFactory = _ => 8 };
        var contexts = new Option<int>("--contexts") { Description = "K-shot contexts averaged into the task vector", DefaultValueFactory = _ => 16 };
        var queries = new Option<int>("--queries") { Description = "Zero-shot queries the vector is injected into", DefaultValueFactory = _ => 16 };
        var xRange = new Option<string>("--x-range") { Description = "Range of x, LO..HI", DefaultValueFactory = _ => "0..19" };
        var into = new Option<string?>("--into-task") { Description = "Inject into K-shot prompts of this task (wrong-task prompts) instead of zero-shot prompts, e.g. 3x+1" };
        var heads = new Option<int>("--heads") { Description = "Also inject the function vector: the summed mean outputs of the top-k heads by direct logit attribution (0: none)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the x draws", DefaultValueFactory = _ => 0 };
        var threads = IclCommands.ThreadsOption();
        var output = IclCommands.OutOption();
        foreach (var o in new Option[] { task, model, template, examples, contexts, queries, into, heads, xRange, seed, threads, output }) command.Add(o);
        command.SetAction(parse =>
        {
            var (xMin, xMax) = ExampleSampler.ParseRange(parse.GetValue(xRange)!, "--x-range");
            var options = new IclTaskVectorOptions(TaskParser.Parse(parse.GetValue(task)!), IclCommands.LoadTemplate(parse.GetValue(template)!),
                parse.GetValue(examples), parse.GetValue(contexts), parse.GetValue(queries), xMin, xMax, parse.GetValue(seed),
                parse.GetValue(into) is { } intoTask ? TaskParser.Parse(intoTask) : null, parse.GetValue(heads));
            var modelPath = IclCommands.ResolveModel(parse.GetValue(model));
            var started = DateTimeOffset.UtcNow;
            using var claim = IclCommands.ClaimOutput(parse.GetValue(output), Path.Combine("results", "icl", "task-vector", options.Task.SafeName), started, $"seed{options.Seed}");
            var folder = IclCommands.Shown(claim);
            IclTaskVectorResult result;
            try
            {
                result = IclCommands.WithProgress(context, p => IclHarnessRun.TaskVector(modelPath, options, p, context.Cancellation, parse.GetValue(threads)));
            }
            catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
            {
                // Nothing finished: the vector needs every context, and no layer was injected yet.
                context.Error.WriteLine("probe: interrupted before the first layer was injected; nothing was kept (a smaller --contexts or --queries runs faster).");
                return ExitCodes.Interrupted;
            }
            var record = new Probing.Runs.RunRecord("icl task-vector", started);
            record.Parameters["threads"] = parse.GetValue(threads);
            IclTaskVectorWriter.Write(result, folder, record);
            var unpatched = options.IntoTask is null ? "zero-shot" : $"{options.IntoTask.Text} prompt";
            context.Out.WriteLine(Line("task vector", result.Rows, options));
            if (result.FunctionVectorRows is { } fv)
                context.Out.WriteLine(Line($"function vector ({string.Join(' ', result.FunctionVector!.Heads.Select(h => $"L{h.Layer}H{h.Head}"))})", fv, options));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{unpatched} {Cell(result.Unpatched)}; {options.Examples}-shot {Cell(result.FullIcl)} (accuracy [95% Wilson] / P, over {options.Queries} queries)"));
            context.Out.WriteLine($"wrote {folder}");
            if (!result.Partial) return ExitCodes.Ok;
            context.Error.WriteLine($"probe: interrupted; kept {result.Rows.Count} of {result.Model.Layers} layers and the baselines in {folder} (marked partial).");
            return ExitCodes.Interrupted;
        });
        return command;
    }

    private static string Line(string what, IReadOnlyList<TaskVectorRow> rows, IclTaskVectorOptions options)
    {
        var best = rows.MaxBy(r => (r.Accuracy.Value, r.PCorrect.Mean))!;
        return string.Create(CultureInfo.InvariantCulture, $"{what} for {options.Task.Text}: best layer {best.Layer}: {Cell(best)}");
    }

    private static string Cell(TaskVectorRow r)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"accuracy {r.Accuracy.Value:F2} [{r.Accuracy.Lo:F2}, {r.Accuracy.Hi:F2}], P(correct) {r.PCorrect.Mean:F3} [{r.PCorrect.Lo:F3}, {r.PCorrect.Hi:F3}]");
        return r.POwnRule is { } own ? text + string.Create(CultureInfo.InvariantCulture, $", P(own rule) {own.Mean:F3}, own-rule accuracy {r.AccuracyOwnRule!.Value:F2}") : text;
    }
}
