using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Patching;
using Probing.IclHarness.Icl.Tasks;

namespace Probing.Cli;

/// <summary><c>probe icl patch --source 2x+3 --target 3x+1 [--grid [--positions LO..HI]]</c>: residual patching layer by layer, or over a layer × position grid.</summary>
internal static class IclPatchCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("patch", "Patch the residual (l_out-L) at the last prompt position from a source task's prompt into a target task's prompt, layer by layer; --grid patches every position too.");
        var source = new Option<string>("--source") { Description = "Source function, e.g. 2x+3", Required = true };
        var target = new Option<string>("--target") { Description = "Target function, e.g. 3x+1", Required = true };
        var model = IclCommands.ModelOption();
        var template = IclCommands.TemplateOption();
        var examples = new Option<int>("--examples") { Description = "Examples before the query (same x in both prompts)", DefaultValueFactory = _ => 8 };
        var xRange = new Option<string>("--x-range") { Description = "Range of x, LO..HI", DefaultValueFactory = _ => "0..19" };
        var seed = new Option<int>("--seed") { Description = "Seed of the x draws", DefaultValueFactory = _ => 0 };
        var threads = IclCommands.ThreadsOption();
        var output = IclCommands.OutOption();
        var grid = new Option<bool>("--grid") { Description = "Patch every position of the target prompt at every layer (grid.csv and one heatmap per candidate)" };
        var positions = new Option<string?>("--positions")
        {
            Description = "With --grid, the positions patched, LO..HI: negative counts from the end (-1 = the position that predicts the answer, -8..-1 the last eight), non-negative indexes the target prompt from its first token",
        };
        foreach (var o in new Option[] { source, target, model, template, examples, xRange, seed, threads, output, grid, positions }) command.Add(o);
        command.SetAction(parse =>
        {
            var (xMin, xMax) = ExampleSampler.ParseRange(parse.GetValue(xRange)!, "--x-range");
            var options = new IclPatchOptions(TaskParser.Parse(parse.GetValue(source)!), TaskParser.Parse(parse.GetValue(target)!),
                IclCommands.LoadTemplate(parse.GetValue(template)!), parse.GetValue(examples), xMin, xMax, parse.GetValue(seed));
            var span = parse.GetValue(positions) is { } text ? ExampleSampler.ParseRange(text, "--positions") : ((long, long)?)null;
            if (span is not null && !parse.GetValue(grid)) throw new UsageException("--positions chooses the grid's positions; add --grid");
            var modelPath = IclCommands.ResolveModel(parse.GetValue(model));
            var started = DateTimeOffset.UtcNow;
            using var claim = IclCommands.ClaimOutput(parse.GetValue(output),
                Path.Combine("results", "icl", "patch", $"{options.Source.SafeName}_to_{options.Target.SafeName}"), started, $"seed{options.Seed}");
            var folder = IclCommands.Shown(claim);
            if (parse.GetValue(grid)) return Grid(context, modelPath, options, span, parse.GetValue(threads), started, folder);
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

    private static int Grid(CliContext context, string modelPath, IclPatchOptions options, (long, long)? span, int threads, DateTimeOffset started, string folder)
    {
        var result = IclCommands.WithProgress(context, p => IclHarnessRun.PatchGrid(modelPath, options, span, p, context.Cancellation, threads));
        var record = new Probing.Runs.RunRecord("icl patch", started);
        record.Parameters["threads"] = threads;
        IclPatchGridWriter.Write(result, folder, record);
        var inv = CultureInfo.InvariantCulture;
        var patch = result.Patch;
        var none = patch.Rows[0];
        context.Out.WriteLine($"target x = {patch.TargetX}: target rule → {patch.TargetRuleAnswer}, source rule → {patch.SourceRuleAnswer}; source literal answer {patch.SourceLiteralAnswer} (x = {patch.SourceX})");
        context.Out.WriteLine(string.Create(inv, $"grid: {patch.Model.Layers} layers × {result.PositionCount} positions ({result.FirstPosition}..{result.LastPosition} from the end; source {result.SourceTokens} tokens, target {result.TargetTokens}), aligned by offset from the end"));
        context.Out.WriteLine(string.Create(inv, $"unpatched: P(target rule) {none.PTargetRule:G4}  P(source rule) {none.PSourceRule:G4}  P(source literal) {none.PSourceLiteral:G4}"));
        var names = new[] { "target rule", "source rule", "source literal" };
        for (var k = 0; k < 3; k++)
        {
            var candidate = k;
            double P(PatchGridCell c) => candidate switch { 0 => c.PTargetRule, 1 => c.PSourceRule, _ => c.PSourceLiteral };
            var best = result.Cells.MaxBy(P)!;
            context.Out.WriteLine(string.Create(inv, $"{names[k],-14} highest {P(best):G4} at layer {best.Layer}, position {best.Position} ({ModelTokenizeCommand.Show(best.Token)})"));
        }
        context.Out.WriteLine($"wrote {folder}");
        return ExitCodes.Ok;
    }
}
