using System.CommandLine;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Tasks;
using Probing.Runs;
using Spectre.Console;

namespace Probing.Cli;

/// <summary><c>probe icl …</c>: the in-context-learning harness (seed 004).</summary>
public static class IclCommands
{
    /// <summary>The model used when neither --model nor PROBE_MODEL is given.</summary>
    public const string DefaultModel = BundledModel.RelativePath;

    /// <summary>
    /// Finds the bundled model when neither --model nor PROBE_MODEL is given (default:
    /// <see cref="BundledModel.Find()"/>); tests replace it to exercise the no-model error.
    /// </summary>
    public static Func<string?> BundledModelLocator { get; set; } = BundledModel.Find;

    /// <summary>Builds the <c>icl</c> command group: the run itself, <c>merge</c>, <c>patch</c>, <c>compare</c> and <c>bench</c>.</summary>
    public static Command Create(CliContext context)
    {
        var icl = new Command("icl", "In-context learning of an integer function: surprisal per example, logit lens, prediction sweep, Bayesian fit.");
        var task = new Option<string>("--task") { Description = "Function of x, e.g. 2x+3, -x+7, x^2+1, '2x+3 mod 10', or a family 'ax+b, a in -5..5, b in -10..10'", Required = true };
        var model = ModelOption();
        var template = TemplateOption();
        var examples = new Option<int>("--examples") { Description = "Examples per context (K)", DefaultValueFactory = _ => 12 };
        var xRange = new Option<string>("--x-range") { Description = "Range of x, LO..HI", DefaultValueFactory = _ => "0..19" };
        var seed = new Option<int>("--seed") { Description = "Seed of every random draw", DefaultValueFactory = _ => 0 };
        var distinct = new Option<bool>("--distinct") { Description = "Draw the x of a context without replacement (default)" };
        var withReplacement = new Option<bool>("--with-replacement") { Description = "Draw the x of a context with replacement" };
        var contexts = new Option<int>("--contexts") { Description = "Independent random contexts (R); figures are means with 95% intervals over them", DefaultValueFactory = _ => 8 };
        var sweepShots = new Option<string>("--sweep-shots") { Description = "Context sizes k of the prediction sweep, comma-separated ('' for none)", DefaultValueFactory = _ => "0,1,2,3,5,8" };
        var sweepRange = new Option<string?>("--sweep-x-range") { Description = "Final x of the sweep, LO..HI (default: --x-range)" };
        var family = new Option<string?>("--family") { Description = $"Family of the ideal discrete learner (default: the task's family when it is one, else '{IclRunOptions.DefaultIdealFamily}')" };
        var epsilon = new Option<double>("--epsilon") { Description = "Noise floor of the ideal learner", DefaultValueFactory = _ => 1e-6 };
        var maxInteger = new Option<int>("--max-integer") { Description = "N of the lens's distribution over integer tokens 0..N", DefaultValueFactory = _ => 100 };
        var noLens = new Option<bool>("--no-lens") { Description = "Skip the logit lens" };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the PNG plots and report.md" };
        var batch = new Option<int>("--batch") { Description = "Contexts evaluated together in one batch", DefaultValueFactory = _ => 4 };
        var threads = ThreadsOption();
        var output = OutOption();
        var shard = new Option<string?>("--shard") { Description = ShardSpec.Help + "; the shard writes its contexts into --out, 'probe icl merge' joins the shards" };
        foreach (var o in new Option[] { task, model, template, examples, xRange, seed, distinct, withReplacement, contexts, sweepShots, sweepRange, family, epsilon, maxInteger, noLens, noPlots, batch, threads, output, shard })
            icl.Add(o);

        icl.SetAction(parse =>
        {
            if (parse.GetValue(distinct) && parse.GetValue(withReplacement)) throw new UsageException("--distinct and --with-replacement exclude each other; pass one");
            var (xMin, xMax) = ExampleSampler.ParseRange(parse.GetValue(xRange)!, "--x-range");
            (long, long)? sweep = parse.GetValue(sweepRange) is { } s ? ExampleSampler.ParseRange(s, "--sweep-x-range") : null;
            var options = new IclRunOptions
            {
                Task = TaskParser.Parse(parse.GetValue(task)!),
                Template = LoadTemplate(parse.GetValue(template)!),
                Examples = parse.GetValue(examples),
                XMin = xMin,
                XMax = xMax,
                Seed = parse.GetValue(seed),
                Distinct = !parse.GetValue(withReplacement),
                Contexts = parse.GetValue(contexts),
                SweepShots = ParseShots(parse.GetValue(sweepShots)!),
                SweepXMin = sweep?.Item1,
                SweepXMax = sweep?.Item2,
                IdealFamily = parse.GetValue(family) is { } f ? TaskParser.Parse(f) : null,
                Epsilon = parse.GetValue(epsilon),
                MaxInteger = parse.GetValue(maxInteger),
                Lens = !parse.GetValue(noLens),
                BatchContexts = parse.GetValue(batch),
            };
            // The ranges are checked once, by the harness before it loads the model (IclHarnessRun).
            if (parse.GetResult(sweepShots) is { Implicit: false } && options.SweepShots!.FirstOrDefault(k => k > options.Examples) is var tooMany and > 0)
                throw new UsageException($"--sweep-shots {tooMany} is more than --examples {options.Examples}; a sweep context holds at most K examples, so drop it or raise --examples");
            var shardSpec = parse.GetValue(shard) is { } shardText ? ShardSpec.Parse(shardText) : null;
            var modelPath = ResolveModel(parse.GetValue(model));
            if (shardSpec is not null) return IclMergeCommand.RunShard(context, shardSpec, options, modelPath, parse.GetValue(output), parse.GetValue(threads));
            var started = DateTimeOffset.UtcNow;
            // Claimed before the model runs: a second run into the same folder stops here with one line.
            using var claim = ClaimOutput(parse.GetValue(output), Path.Combine("results", "icl", options.Task.SafeName), started, $"seed{options.Seed}");
            var folder = Shown(claim);

            var result = WithProgress(context, progress =>
                IclHarnessRun.Run(modelPath, options, progress, context.Cancellation, parse.GetValue(threads)));
            var record = new RunRecord("icl", started);
            record.Parameters["threads"] = parse.GetValue(threads);
            record.Parameters["plots"] = !parse.GetValue(noPlots);
            IclRunWriter.Write(IclSummaryTable.WithFlags(result), folder, record, plots: !parse.GetValue(noPlots));
            IclSummaryTable.Print(context, result, folder);
            if (!result.Partial) return ExitCodes.Ok;
            context.Error.WriteLine($"probe: interrupted; kept {result.ContextsFinished} of {options.Contexts} contexts in {folder} (marked partial).");
            return ExitCodes.Interrupted;
        });

        icl.Add(IclMergeCommand.Create(context));
        icl.Add(IclPatchCommand.Create(context));
        icl.Add(IclHeadsCommand.Create(context));
        icl.Add(IclTaskVectorCommand.Create(context));
        icl.Add(IclCompareCommand.Create(context));
        return icl;
    }

    internal static Option<string?> ModelOption() => new("--model") { Description = $"GGUF model (default: $PROBE_MODEL, then {DefaultModel})" };

    internal static Option<string> TemplateOption() => new("--template") { Description = "Prompt template: a name in prompts/ (pairs, arrow, io) or a .json file", DefaultValueFactory = _ => PromptTemplate.DefaultName };

    internal static Option<int> ThreadsOption() => new("--threads") { Description = "CPU threads for llama.cpp (0: all cores)", DefaultValueFactory = _ => 0 };

    internal static Option<string?> OutOption() => new("--out") { Description = "Output folder (default: results/icl/<task>/<run-id>)" };

    internal static PromptTemplate LoadTemplate(string nameOrPath) => PromptTemplate.Load(nameOrPath, PromptTemplate.DefaultDirectory);

    /// <summary>Claims <paramref name="requested"/> (which must be empty or new), else a new uniquely named folder under <paramref name="defaultParent"/>.</summary>
    internal static RunFolder ClaimOutput(string? requested, string defaultParent, DateTimeOffset started, string? label = null)
    {
        if (requested is not null && string.IsNullOrWhiteSpace(requested)) throw new UsageException("--out is empty; pass a folder, or leave --out out for the default.");
        return requested is not null ? RunFolder.Claim(requested) : RunFolder.ClaimNew(defaultParent, started, label);
    }

    /// <summary>A claimed folder as printed: relative to the current folder when it is under it.</summary>
    internal static string Shown(RunFolder claim)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), claim.Path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? claim.Path : relative;
    }

    /// <summary>--model, then PROBE_MODEL, then the default model; a missing file is a one-line error.</summary>
    internal static string ResolveModel(string? option)
    {
        var path = option ?? Environment.GetEnvironmentVariable("PROBE_MODEL");
        if (string.IsNullOrWhiteSpace(path))
        {
            // The repository's models/ folder, found by walking up from here or from the program's folder.
            if (BundledModelLocator() is string bundled) return bundled;
            throw new UsageException($"no model: the default {DefaultModel} does not exist; pass --model M.gguf or set PROBE_MODEL");
        }
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist; pass --model with a GGUF file", path);
        return OptionRules.RequireInputFile(path, option is null ? "PROBE_MODEL" : "--model");
    }

    internal static IReadOnlyList<int> ParseShots(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var shots = new List<int>();
        // Empty entries are refused, not skipped: '0,,1' is a typo for some size the user meant.
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0)
                throw new UsageException($"--sweep-shots '{text}' has an empty entry between commas; write each size once, e.g. 0,1,2,3,5,8");
            if (!int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var k) || k < 0)
                throw new UsageException($"--sweep-shots '{text}' must be non-negative integers separated by commas, e.g. 0,1,2,3,5,8");
            shots.Add(k);
        }
        return shots;
    }

    /// <summary>Runs <paramref name="work"/> with a Spectre.Console progress bar on standard error (plain when not a terminal).</summary>
    internal static T WithProgress<T>(CliContext context, Func<IProgress<IclProgress>, T> work)
    {
        if (!ReferenceEquals(context.Error, Console.Error) || Console.IsErrorRedirected)
            return work(new SyncProgress(_ => { }));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        T result = default!;
        console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                result = work(new SyncProgress(p =>
                {
                    if (!tasks.TryGetValue(p.Stage, out var t)) tasks[p.Stage] = t = ctx.AddTask(p.Stage, maxValue: Math.Max(1, p.Total));
                    t.Value = p.Done;
                }));
            });
        return result;
    }

    /// <summary>Reports on the calling thread (System.Progress would post to the thread pool).</summary>
    internal sealed class SyncProgress(Action<IclProgress> report) : IProgress<IclProgress>
    {
        public void Report(IclProgress value) => report(value);
    }
}
