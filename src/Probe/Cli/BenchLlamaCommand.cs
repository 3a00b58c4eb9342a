using System.CommandLine;
using System.Globalization;
using Probing.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.Cli;

/// <summary><c>probe bench llama</c>: plain decode vs capture vs capture + lens, as ratios in one run.</summary>
public static class BenchLlamaCommand
{
    /// <summary>Builds <c>probe bench llama</c>.</summary>
    public static Command Create(CliContext context)
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
            // Checked before the benchmark model is generated (seconds of work and 40 MB of disk).
            var tokens = parsed.GetValue(tokensOption);
            if (tokens is < 11 or > 1 << 16) throw new UsageException($"--tokens must be between 11 (10 capture positions and one more) and 65536; got {tokens}.");
            var repeats = parsed.GetValue(repeatsOption);
            if (repeats is < 1 or > 1000) throw new UsageException($"--repeats must be between 1 and 1000; got {repeats}.");
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
                var variants = LlamaBenchmark.Run(model, tokens, repeats, threads, context.Cancellation);
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
