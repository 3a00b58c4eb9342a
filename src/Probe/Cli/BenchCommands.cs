using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.Cli;

/// <summary><c>probe bench …</c>: speed measurements, each reported as a ratio to a reference run in the same process.</summary>
public static class BenchCommands
{
    /// <summary>Builds the <c>bench</c> command group.</summary>
    public static Command Create(CliContext context)
    {
        var bench = new Command("bench", "Speed benchmarks; every figure is a ratio to a reference measured in the same run.");
        bench.Add(CreateLlama(context));
        bench.Add(BenchToyCommand.Create(context));
        return bench;
    }

    private static Command CreateLlama(CliContext context)
    {
        var modelOption = new Option<string?>("--model", "-m") { Description = "GGUF model (default: a generated llama model with d_model 1024 and a 32k vocabulary, Q8_0)." };
        var tokensOption = new Option<int>("--tokens") { Description = "Prompt length.", DefaultValueFactory = _ => 512 };
        var repeatsOption = new Option<int>("--repeats") { Description = "Timed runs per variant (median reported).", DefaultValueFactory = _ => 3 };
        var threadsOption = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("llama",
            "Tokens/s of a plain teacher-forced decode, of the same decode capturing every layer at every position, and of capture at 10 positions plus the logit lens; target: the last at most 1.3x the plain decode.");
        foreach (var option in new Option[] { modelOption, tokensOption, repeatsOption, threadsOption }) command.Add(option);
        command.SetAction(parsed =>
        {
            var path = parsed.GetValue(modelOption);
            string? temp = null;
            if (path is null)
            {
                temp = Directory.CreateTempSubdirectory("probe-bench-").FullName;
                path = Path.Combine(temp, "bench-llama-1k-32k.gguf");
                context.Error.WriteLine("generating a random llama model (d_model 1024, 32k vocabulary, Q8_0) ...");
                TinyLlamaBuilder.Write(LlamaBenchmark.DefaultModel, path);
            }
            try
            {
                using var model = LlamaModel.Load(path);
                var info = model.Info;
                context.Out.WriteLine($"model: {info.Architecture}, {info.LayerCount} layers, d_model {info.EmbeddingSize}, vocabulary {info.VocabularySize}, {info.QuantType}");
                var threads = parsed.GetValue(threadsOption);
                context.Out.WriteLine($"threads: {(threads > 0 ? threads : Environment.ProcessorCount)}, cores: {Environment.ProcessorCount}");
                var variants = LlamaBenchmark.Run(model, parsed.GetValue(tokensOption), parsed.GetValue(repeatsOption), threads, context.Cancellation);
                context.Out.WriteLine($"{"variant",-70} {"seconds",8} {"tokens/s",9} {"ratio",6} {"cpu s",7} {"cpu ratio",9}");
                foreach (var v in variants)
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{v.Name,-70} {v.Seconds,8:F3} {v.TokensPerSecond,9:F1} {v.RatioToPlain,5:F2}x {v.CpuSeconds,7:F2} {v.CpuRatioToPlain,8:F2}x"));
                var target = variants[^1].RatioToPlain;
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"target capture@10 + lens <= 1.30x plain: {(target <= 1.3 ? "met" : "missed")} ({target:F2}x)"));
                return ExitCodes.Ok;
            }
            finally
            {
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
        });
        return command;
    }
}
