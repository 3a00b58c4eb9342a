using Probing.Gguf;
using Probing.IclHarness.Llama.Preflight;
using SharpFuzz;

namespace Probing.Fuzz.Gguf;

/// <summary>
/// Fuzz target for the GGUF reader. Every mode feeds bytes to <see cref="GgufFuzz.Run"/>, which
/// lets only InvalidDataException and NotSupportedException through as "rejected"; anything else
/// escapes and is reported as a crash.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "--help";
        switch (mode)
        {
            case "--libfuzzer":
                Fuzzer.LibFuzzer.Run(span => GgufFuzz.Run(span));
                return 0;
            case "--afl":
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var memory = new MemoryStream();
                    stream.CopyTo(memory);
                    GgufFuzz.Run(memory.ToArray());
                });
                return 0;
            case "--seed-corpus" when args.Length == 2:
                return WriteSeeds(args[1]);
            case "--replay" when args.Length >= 2:
                return Replay(args.Skip(1));
            case "--semantic" when args.Length >= 2 && int.TryParse(args[1], out var executions):
                return SemanticFuzz.Run(executions, args.Length > 2 && int.TryParse(args[2], out var semanticSeed) ? semanticSeed : 1,
                    args.Length > 3 ? args[3] : Path.Combine(Path.GetTempPath(), "gguf-semantic-aborts"));
            case "--semantic-without-preflight" when args.Length >= 2 && int.TryParse(args[1], out var rawExecutions):
                return SemanticFuzz.Run(rawExecutions, args.Length > 2 && int.TryParse(args[2], out var rawSeed) ? rawSeed : 1,
                    args.Length > 3 ? args[3] : Path.Combine(Path.GetTempPath(), "gguf-semantic-raw"), withoutPreflight: true);
            case "--preflight" when args.Length >= 2:
                foreach (var file in args.Skip(1)) Console.WriteLine($"{file}: {GgufFuzz.Preflight(File.ReadAllBytes(file), file) ?? "accepted"}");
                return 0;
            case "--corpus-check":
                return SemanticFuzz.CheckCorpus();
            case "--worker":
                return SemanticFuzz.Work(withoutPreflight: false);
            case "--worker-without-preflight":
                return SemanticFuzz.Work(withoutPreflight: true);
            case "--random" when args.Length >= 2 && int.TryParse(args[1], out var iterations):
                return RandomMutations(iterations, args.Length > 2 && int.TryParse(args[2], out var seed) ? seed : 1);
            default:
                Console.Error.WriteLine("usage: Probing.Fuzz.Gguf --libfuzzer | --afl | --seed-corpus DIR | --replay FILE_OR_DIR... | --random ITERATIONS [SEED] | --semantic EXECUTIONS [SEED [CRASH_DIR]] | --semantic-without-preflight EXECUTIONS [SEED [CRASH_DIR]] | --corpus-check | --preflight FILE...");
                return 2;
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        var small = new TinyLlamaConfig(NLayer: 1, NEmbd: 32, NHead: 2, NHeadKv: 1, NFf: 32, NCtx: 16, Vocabulary: "ab ");
        foreach (var type in new[] { GgmlType.F32, GgmlType.F16, GgmlType.Q8_0 })
            yield return ($"tiny-{type}.gguf", TinyLlamaBuilder.Build(small with { TensorType = type }).ToArray());
        // Small seeds suit AFL and libFuzzer best: a few hundred bytes with every section present.
        yield return ("small-tensors.gguf", new GgufWriter().Add("general.architecture", "llama").Add("n", 2u)
            .AddTensor("q", new float[32], [32], GgmlType.Q8_0).AddTensor("h", new float[4], [2, 2], GgmlType.F16).ToArray());
        yield return ("metadata-only.gguf", new GgufWriter().Add("general.architecture", "llama").Add("a", new[] { 1, 2 }).Add("s", new[] { "x" }).ToArray());
    }

    private static int WriteSeeds(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in Seeds()) File.WriteAllBytes(Path.Combine(folder, name), bytes);
        Console.WriteLine($"wrote {Seeds().Count()} seed files to {folder}");
        return 0;
    }

    private static int Replay(IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]).ToList();
        var accepted = files.Count(f => GgufFuzz.Run(File.ReadAllBytes(f)));
        Console.WriteLine($"replayed {files.Count} inputs: {accepted} accepted, {files.Count - accepted} rejected, no crash");
        return 0;
    }

    // An uninstrumented mutation loop: byte flips, overwrites with boundary values, truncation and
    // splices of the seeds. Cheap to run anywhere; the instrumented modes explore deeper.
    private static int RandomMutations(int iterations, int seed)
    {
        var random = new Random(seed);
        var seeds = Seeds().Select(s => s.Bytes).ToArray();
        var accepted = 0;
        for (var i = 0; i < iterations; i++)
        {
            var input = (byte[])seeds[random.Next(seeds.Length)].Clone();
            var headerBytes = Math.Min(input.Length, 4096);
            for (var m = random.Next(1, 8); m > 0; m--)
            {
                var at = random.Next(random.Next(4) == 0 ? input.Length : headerBytes);
                switch (random.Next(4))
                {
                    case 0: input[at] ^= (byte)(1 << random.Next(8)); break;
                    case 1: input[at] = (byte)random.Next(256); break;
                    case 2: input.AsSpan(at, Math.Min(8, input.Length - at)).Fill(random.Next(2) == 0 ? (byte)0xFF : (byte)0); break;
                    default: input[at] = (byte)(input[at] + random.Next(-2, 3)); break;
                }
            }

            if (random.Next(5) == 0) input = input[..random.Next(input.Length)];
            try
            {
                if (GgufFuzz.Run(input)) accepted++;
            }
            catch (Exception ex)
            {
                var path = Path.Combine(Path.GetTempPath(), $"gguf-crash-{seed}-{i}.bin");
                File.WriteAllBytes(path, input);
                Console.Error.WriteLine($"crash at iteration {i}: {ex.GetType().Name}: {ex.Message} (input saved to {path})");
                return 1;
            }
        }

        Console.WriteLine($"{iterations} mutated inputs: {accepted} accepted, {iterations - accepted} rejected, no crash");
        return 0;
    }
}
