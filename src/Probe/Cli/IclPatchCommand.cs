using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Icl;

namespace Probing.Cli;

/// <summary><c>probe icl patch --source 2x+3 --target 3x+1</c>: residual patching layer by layer.</summary>
internal static class IclPatchCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("patch", "Patch the residual (l_out-L) at the last prompt position from a source task's prompt into a target task's prompt, layer by layer.");
        var source = new Option<string>("--source") { Description = "Source function, e.g. 2x+3", Required = true };
        var target = new Option<string>("--target") { Description = "Target function, e.g. 3x+1", Required = true };
        var model = IclCommands.ModelOption();
        var template = IclCommands.TemplateOption();
        var examples = new Option<int>("--examples") { Description = "Examples before the query (same x in both prompts)", DefaultValueFactory = _ => 8 };
        var xRange = new Option<string>("--x-range") { Description = "Range of x, LO..HI", DefaultValueFactory = _ => "0..19" };
        var seed = new Option<int>("--seed") { Description = "Seed of the x draws", DefaultValueFactory = _ => 0 };
        var threads = IclCommands.ThreadsOption();
        var output = IclCommands.OutOption();
        foreach (var o in new Option[] { source, target, model, template, examples, xRange, seed, threads, output }) command.Add(o);
        command.SetAction(parse =>
        {
            if (parse.GetValue(examples) is < 1 or > IclRunOptions.MaxExamples)
                throw new UsageException($"--examples must be between 1 and {IclRunOptions.MaxExamples} (got {parse.GetValue(examples)})");
            var (xMin, xMax) = ExampleSampler.ParseRange(parse.GetValue(xRange)!, "--x-range");
            var options = new IclPatchOptions(TaskParser.Parse(parse.GetValue(source)!), TaskParser.Parse(parse.GetValue(target)!),
                IclCommands.LoadTemplate(parse.GetValue(template)!), parse.GetValue(examples), xMin, xMax, parse.GetValue(seed));
            options.Validate();
            var modelPath = IclCommands.ResolveModel(parse.GetValue(model));
            var started = DateTimeOffset.UtcNow;
            using var claim = IclCommands.ClaimOutput(parse.GetValue(output),
                Path.Combine("results", "icl", "patch", $"{options.Source.SafeName}_to_{options.Target.SafeName}"), started, $"seed{options.Seed}");
            var folder = IclCommands.Shown(claim);
            var result = IclCommands.WithProgress(context, p => IclHarnessRun.Patch(modelPath, options, p, context.Cancellation, parse.GetValue(threads)));
            var record = new Probing.Runs.RunRecord("icl patch", started);
            record.Parameters["threads"] = parse.GetValue(threads);
            IclPatchWriter.Write(result, folder, record);
            var inv = CultureInfo.InvariantCulture;
            context.Out.WriteLine($"target x = {result.TargetX}: target rule → {result.TargetRuleAnswer}, source rule → {result.SourceRuleAnswer}; source literal answer {result.SourceLiteralAnswer} (x = {result.SourceX})");
            context.Out.WriteLine("layer  P(target rule)  P(source rule)  P(source literal)");
            foreach (var r in result.Rows)
                context.Out.WriteLine(string.Create(inv, $"{(r.Layer < 0 ? "none" : r.Layer.ToString(inv)),5}  {r.PTargetRule,13:F4}  {r.PSourceRule,14:F4}  {r.PSourceLiteral,17:F4}"));
            context.Out.WriteLine($"wrote {folder}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
