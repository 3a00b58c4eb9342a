using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Icl;

namespace Probing.Cli;

/// <summary><c>probe icl task-vector --task 2x+3</c>: the mean K-shot residual injected into zero-shot prompts, layer by layer (Hendel et al. 2023).</summary>
internal static class IclTaskVectorCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("task-vector", "Average l_out-L at the final position over K-shot contexts of a task and inject it at layer L into zero-shot prompts; P(correct) and accuracy per layer against the zero-shot and K-shot baselines.");
        var task = new Option<string>("--task") { Description = "Function, e.g. 2x+3", Required = true };
        var model = IclCommands.ModelOption();
        var template = IclCommands.TemplateOption();
        var examples = new Option<int>("--examples") { Description = "Examples K in each context (and in the K-shot baseline)", DefaultValueFactory = _ => 8 };
        var contexts = new Option<int>("--contexts") { Description = "K-shot contexts averaged into the task vector", DefaultValueFactory = _ => 16 };
        var queries = new Option<int>("--queries") { Description = "Zero-shot queries the vector is injected into", DefaultValueFactory = _ => 16 };
        var xRange = new Option<string>("--x-range") { Description = "Range of x, LO..HI", DefaultValueFactory = _ => "0..19" };
        var seed = new Option<int>("--seed") { Description = "Seed of the x draws", DefaultValueFactory = _ => 0 };
        var threads = IclCommands.ThreadsOption();
        var output = IclCommands.OutOption();
        foreach (var o in new Option[] { task, model, template, examples, contexts, queries, xRange, seed, threads, output }) command.Add(o);
        command.SetAction(parse =>
        {
            var (xMin, xMax) = ExampleSampler.ParseRange(parse.GetValue(xRange)!, "--x-range");
            var options = new IclTaskVectorOptions(TaskParser.Parse(parse.GetValue(task)!), IclCommands.LoadTemplate(parse.GetValue(template)!),
                parse.GetValue(examples), parse.GetValue(contexts), parse.GetValue(queries), xMin, xMax, parse.GetValue(seed));
            var modelPath = IclCommands.ResolveModel(parse.GetValue(model));
            var started = DateTimeOffset.UtcNow;
            using var claim = IclCommands.ClaimOutput(parse.GetValue(output), Path.Combine("results", "icl", "task-vector", options.Task.SafeName), started, $"seed{options.Seed}");
            var folder = IclCommands.Shown(claim);
            var result = IclCommands.WithProgress(context, p => IclHarnessRun.TaskVector(modelPath, options, p, context.Cancellation, parse.GetValue(threads)));
            var record = new Probing.Runs.RunRecord("icl task-vector", started);
            record.Parameters["threads"] = parse.GetValue(threads);
            IclTaskVectorWriter.Write(result, folder, record);
            var inv = CultureInfo.InvariantCulture;
            var best = result.Rows.MaxBy(r => (r.Accuracy, r.PCorrect.Mean))!;
            context.Out.WriteLine(string.Create(inv,
                $"task vector for {options.Task.Text}: best layer {best.Layer}: accuracy {best.Accuracy:F2}, P(correct) {best.PCorrect.Mean:F3} [{best.PCorrect.Lo:F3}, {best.PCorrect.Hi:F3}]; zero-shot {result.ZeroShot.Accuracy:F2} / {result.ZeroShot.PCorrect.Mean:F3}, {options.Examples}-shot {result.FullIcl.Accuracy:F2} / {result.FullIcl.PCorrect.Mean:F3} (accuracy / P, over {options.Queries} queries)"));
            context.Out.WriteLine($"wrote {folder}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
