using System.CommandLine;
using System.Globalization;
using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Bench;
using Probing.IclHarness.Llama;

namespace Probing.Cli;

/// <summary><c>probe bench icl --model M</c>: the harness against a plain llama.cpp decode of the same tokens.</summary>
internal static class IclBenchCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("icl", "Time the ICL measurement pass (16 contexts x 12 examples) against a plain llama.cpp decode of the same tokens (target ratio <= 1.3) and against a decode with logits at the scored rows.");
        var model = IclCommands.ModelOption();
        var contexts = new Option<int>("--contexts") { Description = "Contexts", DefaultValueFactory = _ => 16 };
        var examples = new Option<int>("--examples") { Description = "Examples per context", DefaultValueFactory = _ => 12 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each times every variant back to back, and the median per-round ratio is reported", DefaultValueFactory = _ => 9 };
        var threads = IclCommands.ThreadsOption();
        var generated = new Option<bool>("--generated") { Description = "Benchmark a generated llama model the size of a small real LM (8 layers, d_model 1024, 32k vocabulary, Q8_0) instead of --model" };
        var vocab = new Option<int?>("--vocab") { Description = "Vocabulary of the --generated model, e.g. 128000 (a Llama 3-size vocabulary, where the per-row work over the vocabulary weighs most) [default: 32000]" };
        var layers = new Option<int?>("--layers") { Description = "Transformer blocks of the --generated model, e.g. 32 (a real model's depth, where the LM head weighs less per token) [default: 8]" };
        foreach (var o in new Option[] { model, contexts, examples, rounds, threads, generated, vocab, layers }) command.Add(o);
        command.SetAction(parse =>
        {
            // Bounded before anything is allocated; the bench keeps every context of a round in one batch.
            if (parse.GetValue(contexts) > 4096 || parse.GetValue(examples) > IclRunOptions.MaxExamples || parse.GetValue(rounds) > 1000)
                throw new UsageException($"--contexts must be at most 4096, --examples at most {IclRunOptions.MaxExamples} and --rounds at most 1000 (got {parse.GetValue(contexts)}, {parse.GetValue(examples)}, {parse.GetValue(rounds)})");
            if (parse.GetValue(contexts) < 1 || parse.GetValue(examples) < 1 || parse.GetValue(rounds) < 1)
                throw new UsageException("--contexts, --examples and --rounds must be at least 1");
            if (parse.GetValue(generated) && parse.GetValue(model) is not null)
                throw new UsageException("--generated and --model both name the model to benchmark; pass one of them");
            if (parse.GetValue(vocab) is not null && !parse.GetValue(generated))
                throw new UsageException("--vocab sets the vocabulary of the --generated model; pass --generated too");
            if (parse.GetValue(layers) is not null && !parse.GetValue(generated))
                throw new UsageException("--layers sets the depth of the --generated model; pass --generated too");
            var vocabulary = parse.GetValue(vocab) ?? 32000;
            if (vocabulary < LlamaBenchmark.MinIclVocabulary || vocabulary > LlamaBenchmark.MaxIclVocabulary)
                throw new UsageException($"--vocab must be {LlamaBenchmark.MinIclVocabulary}..{LlamaBenchmark.MaxIclVocabulary}, not {vocabulary}");
            var blocks = parse.GetValue(layers) ?? LlamaBenchmark.DefaultModel.NLayer;
            if (blocks < LlamaBenchmark.MinIclLayers || blocks > LlamaBenchmark.MaxIclLayers)
                throw new UsageException($"--layers must be {LlamaBenchmark.MinIclLayers}..{LlamaBenchmark.MaxIclLayers}, not {blocks}");
            string? temp = null;
            string path;
            if (parse.GetValue(generated))
            {
                temp = Directory.CreateTempSubdirectory("probe-bench-icl-").FullName;
                var config = LlamaBenchmark.IclModelWithVocabulary(vocabulary, blocks);
                path = Path.Combine(temp, config.Name + ".gguf");
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generating a random llama model ({blocks} layers, d_model 1024, {vocabulary} vocabulary, Q8_0) ..."));
                TinyLlamaBuilder.Write(config, path);
            }
            else path = IclCommands.ResolveModel(parse.GetValue(model));
            IclBenchResult r;
            try
            {
                r = IclBench.Run(path, parse.GetValue(contexts), parse.GetValue(examples), parse.GetValue(rounds), parse.GetValue(threads),
                    batchContexts: parse.GetValue(contexts));
            }
            finally
            {
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
            var inv = CultureInfo.InvariantCulture;
            context.Out.WriteLine(string.Create(inv, $"{r.Contexts} contexts x {r.Examples} examples, {r.Tokens} tokens; median of {parse.GetValue(rounds)} rounds, ratios within each round"));
            void Row(string name, IclBenchTiming t, string note) => context.Out.WriteLine(string.Create(inv,
                $"{name,-44} {t.Seconds * 1000,8:F1} ms   {t.Ratio,5:F2}x  [{t.RatioMin:F2}-{t.RatioMax:F2}]  cpu {t.CpuRatio,5:F2}x{note}"));
            Row("plain llama.cpp decode", r.Plain, "");
            Row("harness (no lens)", r.Harness, $"  target <= {IclBenchResult.TargetRatio:F2}x: {(r.Harness.Ratio <= IclBenchResult.TargetRatio ? "met" : "NOT met")}");
            Row("harness with logit lens", r.HarnessLens, "");
            if (r.ScoredRowsDecode is { } scoredRows && r.HarnessToScoredRowsDecode is { } harnessToRows && r.HarnessLensToScoredRowsDecode is { } lensToRows)
            {
                // The second reference: what a raw decode producing the harness's distributions must pay (the LM head at those rows).
                Row($"decode with logits at the {r.ScoredRows} scored rows", scoredRows, "  (llama.cpp only, nothing read back)");
                Row("harness / decode w/ logits at scored rows", harnessToRows, "");
                Row("lens / decode w/ logits at scored rows", lensToRows, "");
            }
            if (r.Heads is { } heads && r.HeadsToHarness is { } toHarness)
                Row("heads at every layer (icl heads)", heads, string.Create(inv,
                    $"  {toHarness.Ratio:F2}x the harness [{toHarness.RatioMin:F2}-{toHarness.RatioMax:F2}], target <= {IclBenchResult.HeadsTargetRatio:F2}x: {(toHarness.Ratio <= IclBenchResult.HeadsTargetRatio ? "met" : "NOT met")}"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
