using System.Diagnostics;
using System.Text;
using Probing.Gguf;
using Probing.Runs;

namespace Probing.IclHarness.Llama;

/// <summary>One measured variant of <see cref="LlamaBenchmark"/>.</summary>
/// <param name="Name">What was run.</param>
/// <param name="Seconds">Median wall time of one run.</param>
/// <param name="TokensPerSecond">Prompt tokens per second.</param>
/// <param name="RatioToPlain">Time relative to the plain decode measured in the same run.</param>
/// <param name="CpuSeconds">Median process CPU time of one run (robust to other load on the machine; spinning threads count too).</param>
/// <param name="CpuRatioToPlain">CPU time relative to the plain decode.</param>
public sealed record BenchmarkVariant(string Name, double Seconds, double TokensPerSecond, double RatioToPlain, double CpuSeconds, double CpuRatioToPlain);

/// <summary>
/// The cost of interpretability on top of llama.cpp: a teacher-forced decode of one prompt (logits at every
/// position), the same decode capturing every layer at every position, and the same decode capturing every
/// layer at 10 positions followed by the logit lens of those rows. Each variant runs once to warm up, then
/// <c>repeats</c> times; the median is reported as a ratio to the plain decode of the same run.
/// </summary>
public static class LlamaBenchmark
{
    /// <summary>The default benchmark model: llama architecture, d_model 1024, 32k vocabulary, Q8_0.</summary>
    public static TinyLlamaConfig DefaultModel { get; } = new(
        NLayer: 8, NEmbd: 1024, NHead: 16, NHeadKv: 4, NFf: 2816, NCtx: 4096,
        Vocabulary: DistinctCharacters(32000 - SpmCharVocabulary.FirstCharacterId), TensorType: GgmlType.Q8_0, Seed: 1)
    { Name = "bench-llama-1k-32k" };

    /// <summary>
    /// <see cref="DefaultModel"/> with the ICL prompt characters (digits, punctuation, letters) as their own tokens,
    /// so that an ICL prompt tokenizes as on a real model instead of into byte tokens; for <c>probe bench icl --generated</c>.
    /// </summary>
    public static TinyLlamaConfig IclModel { get; } = IclModelWithVocabulary(32000);

    /// <summary>The smallest vocabulary of <see cref="IclModelWithVocabulary"/>: the special and byte tokens and the ICL prompt characters.</summary>
    public static int MinIclVocabulary => SpmCharVocabulary.FirstCharacterId + TinyLlamaConfig.DefaultVocabulary.Length;

    /// <summary>The largest vocabulary of <see cref="IclModelWithVocabulary"/> (as many distinct characters as there are to draw).</summary>
    public const int MaxIclVocabulary = 262144;

    /// <summary>The fewest transformer blocks of <see cref="IclModelWithVocabulary"/>.</summary>
    public const int MinIclLayers = 1;

    /// <summary>The most transformer blocks of <see cref="IclModelWithVocabulary"/> (a 70B model's 80; about 12 MB of Q8_0 weights each).</summary>
    public const int MaxIclLayers = 80;

    /// <summary>
    /// <see cref="IclModel"/> with <paramref name="vocabulary"/> tokens (e.g. 128000, a Llama 3-size vocabulary, where the per-row
    /// work over the whole vocabulary weighs most) and <paramref name="layers"/> blocks (more blocks shrink the LM head's
    /// share of a token's arithmetic towards a real model's: 36 % of a decoder pass at 8 blocks and 32k, about 7.5 % on
    /// Llama-3-8B); the same file as <see cref="IclModel"/> at 32000 and 8. The name carries both sizes.
    /// </summary>
    public static TinyLlamaConfig IclModelWithVocabulary(int vocabulary, int layers = 8)
    {
        if (vocabulary < MinIclVocabulary || vocabulary > MaxIclVocabulary)
            throw new ArgumentOutOfRangeException(nameof(vocabulary), vocabulary, $"the generated ICL model's vocabulary must be {MinIclVocabulary}..{MaxIclVocabulary} tokens.");
        if (layers < MinIclLayers || layers > MaxIclLayers)
            throw new ArgumentOutOfRangeException(nameof(layers), layers, $"the generated ICL model must have {MinIclLayers}..{MaxIclLayers} layers.");
        return DefaultModel with
        {
            NLayer = layers,
            Vocabulary = TinyLlamaConfig.DefaultVocabulary + DistinctCharacters(vocabulary - MinIclVocabulary),
            Name = (vocabulary == 32000 ? "bench-icl-1k-32k" : $"bench-icl-1k-{vocabulary / 1000}k") + (layers == DefaultModel.NLayer ? "" : $"-{layers}layers"),
        };
    }

    /// <summary>Runs the three variants on <paramref name="model"/> with a seeded random prompt of <paramref name="tokenCount"/> tokens.</summary>
    public static IReadOnlyList<BenchmarkVariant> Run(LlamaModel model, int tokenCount, int repeats, int threads, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (tokenCount < 11) throw new ArgumentException($"tokenCount must be at least 11 (10 capture positions), not {tokenCount}.").Naming(nameof(tokenCount));
        if (repeats < 1) throw new ArgumentException($"repeats must be at least 1, not {repeats}.").Naming(nameof(repeats));
        var lens = LogitLens.Create(model);
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = tokenCount, Threads = threads });
        var random = new Random(1);
        var tokens = new int[tokenCount];
        for (var i = 0; i < tokenCount; i++) tokens[i] = random.Next(3, model.Info.VocabularySize);
        if (model.BosToken >= 0) tokens[0] = model.BosToken;
        var layers = model.Info.LayerCount;
        var tenPositions = Enumerable.Range(0, 10).Select(i => (int)((long)(tokenCount - 1) * (i + 1) / 10)).ToArray();

        var plain = Measure(() => context.Evaluate(tokens), repeats, cancellation);
        var all = Measure(() => context.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(layers) }), repeats, cancellation);
        var lensed = Measure(() =>
        {
            var evaluation = context.Evaluate(tokens, new EvaluationOptions { Capture = CaptureRequest.AllLayers(layers, tenPositions) });
            lens.Apply(evaluation.Capture!);
        }, repeats, cancellation);

        BenchmarkVariant Variant(string name, (double Wall, double Cpu) t) =>
            new(name, t.Wall, tokenCount / t.Wall, t.Wall / plain.Wall, t.Cpu, t.Cpu / plain.Cpu);
        return
        [
            Variant($"plain decode ({tokenCount} tokens, logits at every position)", plain),
            Variant($"+ capture l_out of all {layers} layers at every position", all),
            Variant($"+ capture all layers at 10 positions + logit lens ({10 * layers} rows)", lensed),
        ];
    }

    private static (double Wall, double Cpu) Measure(Action action, int repeats, CancellationToken cancellation)
    {
        action(); // warm-up: graph allocation, page faults of the mapped weights, JIT
        var wall = new double[repeats];
        var cpu = new double[repeats];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeats; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            action();
            wall[i] = watch.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[repeats / 2], cpu[repeats / 2]);
    }

    // CJK ideographs, extension A and Hangul syllables, then the supplementary ideographic planes and the private-use
    // planes (scalar values outside the BMP, two UTF-16 units each): plenty of distinct single-rune characters.
    private static string DistinctCharacters(int count)
    {
        var text = new StringBuilder(count);
        var runes = 0;
        foreach (var (first, last) in new[] { (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xAC00, 0xD7A3), (0x20000, 0x2FFFD), (0x30000, 0x3FFFD), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD) })
            for (var c = first; c <= last && runes < count; c++, runes++) text.Append(new Rune(c).ToString());
        if (runes < count) throw new ArgumentOutOfRangeException(nameof(count), count, $"at most {runes} distinct characters are available.");
        return text.ToString();
    }
}
