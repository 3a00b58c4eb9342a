using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Icl;

namespace Probing.Cli;

/// <summary><c>probe bench icl --model M</c>: the harness against a plain llama.cpp decode of the same tokens.</summary>
internal static class IclBenchCommand
{
    public static Command Create(CliContext context, string name)
    {
        var command = new Command(name, "Time the ICL measurement pass (16 contexts x 12 examples) against a plain llama.cpp decode of the same tokens; target ratio <= 1.3.");
        var model = IclCommands.ModelOption();
        var contexts = new Option<int>("--contexts") { Description = "Contexts", DefaultValueFactory = _ => 16 };
        var examples = new Option<int>("--examples") { Description = "Examples per context", DefaultValueFactory = _ => 12 };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions (best is reported)", DefaultValueFactory = _ => 3 };
        var threads = IclCommands.ThreadsOption();
        foreach (var o in new Option[] { model, contexts, examples, repeats, threads }) command.Add(o);
        command.SetAction(parse =>
        {
            if (parse.GetValue(contexts) < 1 || parse.GetValue(examples) < 1 || parse.GetValue(repeats) < 1)
                throw new UsageException("--contexts, --examples and --repeats must be at least 1");
            var r = IclBench.Run(IclCommands.ResolveModel(parse.GetValue(model)), parse.GetValue(contexts), parse.GetValue(examples),
                parse.GetValue(repeats), parse.GetValue(threads), batchContexts: parse.GetValue(contexts));
            var inv = CultureInfo.InvariantCulture;
            context.Out.WriteLine(string.Create(inv, $"{r.Contexts} contexts x {r.Examples} examples, {r.Tokens} tokens"));
            context.Out.WriteLine(string.Create(inv, $"plain llama.cpp decode   {r.PlainSeconds * 1000,10:F1} ms   1.00x"));
            context.Out.WriteLine(string.Create(inv, $"harness (no lens)        {r.HarnessSeconds * 1000,10:F1} ms   {r.Ratio:F2}x  (target <= 1.30x: {(r.Ratio <= 1.3 ? "met" : "NOT met")})"));
            context.Out.WriteLine(string.Create(inv, $"harness with logit lens  {r.HarnessLensSeconds * 1000,10:F1} ms   {r.LensRatio:F2}x"));
            context.Out.WriteLine(string.Create(inv, $"harness, {(r.BatchedDefault ? "one decode per context" : "all contexts batched"),-22} {r.HarnessOtherModeSeconds * 1000,10:F1} ms   {r.OtherModeRatio:F2}x  (the other mode)"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
