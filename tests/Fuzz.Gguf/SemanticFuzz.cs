using System.Diagnostics;
using System.Security.Cryptography;
using Probing.Gguf;
using Probing.IclHarness.Llama;
using Probing.IclHarness.Llama.Preflight;

namespace Probing.Fuzz.Gguf;

/// <summary>
/// The semantic fuzzer: mutates the metadata of real-shaped models (llama architecture with each tokenizer kind),
/// runs every mutant through the preflight in-process, and hands each one the preflight accepts to a worker child
/// process that runs real llama.cpp on it (load, tokenize with special tokens, one decode). A worker that dies is an
/// abort the preflight missed: the mutant is saved with the mutations that made it, and a fresh worker starts.
/// </summary>
internal static class SemanticFuzz
{
    private const string Prompt = "(1, 5), (4, 11)\n";

    public static int Run(int executions, int seed, string crashFolder, bool withoutPreflight = false)
    {
        Directory.CreateDirectory(crashFolder);
        var scratch = Directory.CreateTempSubdirectory("gguf-semantic-").FullName;
        var random = new Random(seed);
        var mutator = new MetadataMutator(random);
        var seeds = Seeds().ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var worker = new Worker(withoutPreflight);
        long refused = 0, launched = 0, duplicates = 0, aborts = 0, llamaRefused = 0, ok = 0, stricter = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < executions; i++)
            {
                var (name, metadata, tensors) = seeds[random.Next(seeds.Length)];
                var mutant = new List<KeyValuePair<string, GgufValue>>(metadata);
                var what = mutator.Mutate(mutant);
                var bytes = Write(mutant, tensors);
                if (bytes is null) { refused++; continue; }
                var reason = withoutPreflight ? null : GgufFuzz.Preflight(bytes);
                if (reason is not null)
                {
                    if (reason.Contains('\n', StringComparison.Ordinal) || reason.Length > 400) throw new InvalidOperationException($"not a one-line message: {reason}");
                    refused++;
                    continue;
                }

                if (!seen.Add(Convert.ToHexString(SHA256.HashData(bytes)))) { duplicates++; continue; }
                var path = Path.Combine(scratch, "mutant.gguf");
                File.WriteAllBytes(path, bytes);
                launched++;
                var outcome = worker.Run(path);
                if (Environment.GetEnvironmentVariable("FUZZ_VERBOSE") is not null) Console.WriteLine($"{name}: {what} -> {outcome}");
                if (withoutPreflight && outcome.StartsWith("ok", StringComparison.Ordinal) && GgufFuzz.Preflight(bytes) is { } refusal)
                {
                    stricter++; // llama.cpp ran it, the preflight refuses it
                    if (stricter <= 20) Console.WriteLine($"STRICTER at {i}: {name}: {what} | preflight: {refusal}");
                }

                if (outcome.StartsWith("ok", StringComparison.Ordinal)) ok++;
                else if (outcome.StartsWith("refused", StringComparison.Ordinal)) llamaRefused++;
                else
                {
                    aborts++;
                    var saved = Path.Combine(crashFolder, $"abort-{seed}-{i}.gguf");
                    File.WriteAllBytes(saved, bytes);
                    File.WriteAllText(saved + ".txt", $"seed model: {name}\nmutations: {what}\noutcome: {outcome}\n");
                    var preflight = withoutPreflight ? GgufFuzz.Preflight(bytes) ?? "ACCEPTED" : "ACCEPTED";
                    Console.WriteLine($"ABORT #{aborts} at {i}: {name}: {what} -> {outcome} | preflight: {preflight}");
                    worker.Dispose();
                    worker = new Worker(withoutPreflight);
                }

                if ((i + 1) % 5000 == 0) Report(i + 1);
            }
        }
        finally
        {
            worker.Dispose();
            Directory.Delete(scratch, recursive: true);
        }

        Report(executions);
        return aborts == 0 ? 0 : 1;

        void Report(long done) => Console.WriteLine(
            $"{done} executions in {clock.Elapsed.TotalSeconds:F0} s: {refused} refused by preflight, {duplicates} duplicate mutants, " +
            $"{launched} run in llama.cpp ({ok} ok, {llamaRefused} refused cleanly, {aborts} aborts)" +
            (withoutPreflight ? $"; the preflight refuses {stricter} of the ok ones" : ""));
    }

    /// <summary>
    /// Runs every case of <see cref="GgufAbortCorpus"/> through real llama.cpp twice, in a worker without the preflight
    /// (which should die) and through the preflight (which should refuse it); prints one line per case.
    /// </summary>
    public static int CheckCorpus()
    {
        var scratch = Directory.CreateTempSubdirectory("gguf-corpus-").FullName;
        var failures = 0;
        try
        {
            foreach (var @case in GgufAbortCorpus.Cases)
            {
                var bytes = GgufAbortCorpus.Build(@case.Name);
                var path = Path.Combine(scratch, @case.Name + ".gguf");
                File.WriteAllBytes(path, bytes);
                using var raw = new Worker(withoutPreflight: true);
                var outcome = raw.Run(path);
                var refusal = GgufFuzz.Preflight(bytes, path);
                if (refusal is null) failures++;
                Console.WriteLine($"{@case.Name}: without preflight: {outcome.ReplaceLineEndings(" ")[..Math.Min(outcome.Length, 200)]} | preflight: {refusal ?? "ACCEPTED"}");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The worker side: one path per input line, one outcome line per path ("ok …" or "refused …").</summary>
    public static int Work(bool withoutPreflight)
    {
        LlamaPreflight.BypassedForBaseline = withoutPreflight;
        while (Console.ReadLine() is { } path)
        {
            string outcome;
            try
            {
                using var model = LlamaModel.Load(path);
                var tokens = model.Tokenize(Prompt);
                foreach (var t in tokens) model.TokenToPiece(t);
                if (tokens.Length > 0)
                {
                    using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 64, Threads = 1 });
                    context.Evaluate(tokens);
                }

                outcome = $"ok {tokens.Length} tokens";
            }
            catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException)
            {
                outcome = "refused " + ex.Message.ReplaceLineEndings(" ");
            }
            catch (Exception ex)
            {
                outcome = $"managed {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}";
            }

            Console.Out.WriteLine(outcome);
            Console.Out.Flush();
        }

        return 0;
    }

    private static IEnumerable<(string Name, List<KeyValuePair<string, GgufValue>> Metadata, List<(string, GgmlType, long[], byte[])> Tensors)> Seeds()
    {
        var config = new TinyLlamaConfig(NLayer: 1, NEmbd: 32, NHead: 2, NHeadKv: 1, NFf: 32, NCtx: 64);
        foreach (var kind in TinyVocabulary.Kinds)
        {
            var writer = TinyLlamaBuilder.Build(config, TinyVocabulary.Of(kind));
            yield return Parse($"llama+{kind}", writer.ToArray());
            writer.Add("llama.rope.scaling.type", "linear").Add("llama.attention.key_length", 16u).Add("llama.attention.value_length", 16u);
            yield return Parse($"llama+{kind}+rope", writer.ToArray());
        }
    }

    private static (string, List<KeyValuePair<string, GgufValue>>, List<(string, GgmlType, long[], byte[])>) Parse(string name, byte[] bytes)
    {
        using var file = GgufReader.Parse(bytes, name);
        var metadata = file.MetadataKeys.Select(k => new KeyValuePair<string, GgufValue>(k, file.Metadata[k])).ToList();
        var tensors = file.Tensors.Select(t => (t.Name, t.Type, t.Dimensions.ToArray(), file.GetTensorBytes(t).ToArray())).ToList();
        return (name, metadata, tensors);
    }

    private static byte[]? Write(List<KeyValuePair<string, GgufValue>> metadata, List<(string Name, GgmlType Type, long[] Ne, byte[] Data)> tensors)
    {
        try
        {
            var writer = new GgufWriter();
            foreach (var (key, value) in metadata) writer.Add(key, value);
            foreach (var t in tensors) writer.AddTensorBytes(t.Name, t.Type, t.Ne, t.Data);
            return writer.ToArray();
        }
        catch (ArgumentException)
        {
            return null; // a mutant our writer cannot express (e.g. a bad general.alignment)
        }
    }

    /// <summary>A child process running <see cref="Work"/>; an abort shows as its death.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process _process;

        public Worker(bool withoutPreflight)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!, withoutPreflight ? "--worker-without-preflight" : "--worker")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment = { ["GGML_NO_BACKTRACE"] = "1" }, // no gdb attach on abort: faster, and nothing on stdout
            };
            _process = Process.Start(start)!;
            _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) LastError = line; };
            _process.BeginErrorReadLine();
        }

        private string? LastError { get; set; }

        public string Run(string path)
        {
            _process.StandardInput.WriteLine(path);
            _process.StandardInput.Flush();
            // ggml may print to stdout before it aborts; only an outcome line counts as an answer.
            while (true)
            {
                var read = _process.StandardOutput.ReadLineAsync();
                if (!read.Wait(TimeSpan.FromSeconds(120))) return "hang (no answer in 120 s)";
                if (read.Result is not { } line) break;
                if (line.StartsWith("ok ", StringComparison.Ordinal) || line.StartsWith("refused ", StringComparison.Ordinal) ||
                    line.StartsWith("managed ", StringComparison.Ordinal)) return line;
            }

            _process.WaitForExit();
            return $"died with exit code {_process.ExitCode}: {LastError}";
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000)) _process.Kill();
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }
    }
}
