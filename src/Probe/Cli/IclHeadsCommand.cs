using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Icl;

using Probing.IclHarness.Icl.Heads;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;

namespace Probing.Cli;

/// <summary><c>probe icl heads --task 2x+3</c>: per-head direct logit attribution over the contexts of <c>probe icl</c>.</summary>
internal static class IclHeadsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("heads", "Per-head direct logit attribution (kqv_out-N through each head's slice of attn_output.weight, final-norm scale frozen) at the position before each answer.");
        var task = new Option<string>("--task") { Description = "Function of x, e.g. 2x+3, or a family 'ax+b, a in -5..5, b in -10..10'", Required = true };
        var model = IclCommands.ModelOption();
        var template = IclCommands.TemplateOption();
        var examples = new Option<int>("--examples") { Description = "Examples per context (K); each answer is attributed", DefaultValueFactory = _ => 12 };
        var xRange = new Option<string>("--x-range") { Description = "Range of x, LO..HI", DefaultValueFactory = _ => "0..19" };
        var seed = new Option<int>("--seed") { Description = "Seed of every random draw (the same contexts as probe icl)", DefaultValueFactory = _ => 0 };
        var withReplacement = new Option<bool>("--with-replacement") { Description = "Draw the x of a context with replacement" };
        var contexts = new Option<int>("--contexts") { Description = "Independent random contexts", DefaultValueFactory = _ => 8 };
        var baseline = new Option<string>("--baseline") { Description = "Tokens whose mean logit is subtracted: numeric (every numeric token) or integers (tokens of 0..--max-integer)", DefaultValueFactory = _ => "numeric" };
        var maxInteger = new Option<int>("--max-integer") { Description = "N of --baseline integers", DefaultValueFactory = _ => 100 };
        var cap = new Option<double>("--cap") { Description = "Heatmap colour scale ±cap in logits (0: the largest |mean|; the seed used 3)", DefaultValueFactory = _ => 0 };
        var tolerance = new Option<double?>("--tolerance") { Description = "Completeness bound (default by attn_output.weight type: F32 1e-4, F16/BF16 5e-3, quantized 5e-2)" };
        var noLens = new Option<bool>("--no-lens") { Description = "Skip the logit lens (the first layer whose top token is numeric)" };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip heads.png and report.md" };
        var batch = new Option<int>("--batch") { Description = "Contexts captured together in one batch", DefaultValueFactory = _ => 4 };
        var threads = IclCommands.ThreadsOption();
        var output = IclCommands.OutOption();
        foreach (var o in new Option[] { task, model, template, examples, xRange, seed, withReplacement, contexts, baseline, maxInteger, cap, tolerance, noLens, noPlots, batch, threads, output })
            command.Add(o);
        command.SetAction(parse =>
        {
            var (xMin, xMax) = ExampleSampler.ParseRange(parse.GetValue(xRange)!, "--x-range");
            var baselineKind = parse.GetValue(baseline) switch
            {
                "numeric" => HeadBaseline.Numeric,
                "integers" => HeadBaseline.Integers,
                var other => throw new UsageException($"--baseline '{other}' is not known; pass numeric or integers"),
            };
            var options = new IclHeadsOptions(TaskParser.Parse(parse.GetValue(task)!), IclCommands.LoadTemplate(parse.GetValue(template)!),
                parse.GetValue(examples), xMin, xMax, parse.GetValue(seed), !parse.GetValue(withReplacement), parse.GetValue(contexts),
                baselineKind, parse.GetValue(maxInteger), parse.GetValue(cap), parse.GetValue(tolerance), !parse.GetValue(noLens), parse.GetValue(batch));
            var modelPath = IclCommands.ResolveModel(parse.GetValue(model));
            var started = DateTimeOffset.UtcNow;
            // Claimed before the model runs: a second run into the same folder stops here with one line.
            using var claim = IclCommands.ClaimOutput(parse.GetValue(output), Path.Combine("results", "icl", "heads", options.Task.SafeName), started, $"seed{options.Seed}");
            var folder = IclCommands.Shown(claim);
            var result = IclCommands.WithProgress(context, p => IclHeadsRunner.Run(modelPath, options, p, context.Cancellation, parse.GetValue(threads)));
            var record = new RunRecord("icl heads", started);
            record.Parameters["threads"] = parse.GetValue(threads);
            record.Parameters["plots"] = !parse.GetValue(noPlots);
            IclHeadsWriter.Write(result, folder, record, plots: !parse.GetValue(noPlots));
            var inv = CultureInfo.InvariantCulture;
            var c = result.Completeness;
            context.Out.WriteLine(string.Create(inv, $"{result.Sites.Count} answers; completeness: attention {c.WorstAttentionError:E2} (layer {c.WorstAttentionLayer}), residual {c.WorstResidualError:E2}, logit {c.WorstLogitError:E2} (tolerance {c.Tolerance:G2})"));
            var top = result.MeanHeads().SelectMany((row, l) => row.Select((v, h) => (l, h, v))).OrderByDescending(t => Math.Abs(t.v)).Take(5);
            context.Out.WriteLine("top heads (mean attribution, logits): " + string.Join(", ", top.Select(t => string.Create(inv, $"L{t.l}H{t.h} {t.v:+0.000;-0.000}"))));
            if (result.FirstNumericLayer is { } first) context.Out.WriteLine($"numeric tokens first top the logit lens at layer {first}");
            context.Out.WriteLine($"wrote {folder}");
            if (!result.Partial) return ExitCodes.Ok;
            context.Error.WriteLine("probe: interrupted; kept the finished contexts (marked partial).");
            return ExitCodes.Interrupted;
        });
        return command;
    }
}
