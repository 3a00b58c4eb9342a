namespace Probing.Gguf;

/// <summary>
/// Builds small random llama-architecture GGUF models that llama.cpp loads and runs, for tests and
/// demos instead of committed binaries: a character-level SPM vocabulary (<see cref="SpmCharVocabulary"/>),
/// the <c>llama.*</c> hyperparameters, and seeded Gaussian weights stored as F32, F16 or Q8_0.
/// </summary>
public static class TinyLlamaBuilder
{
    /// <summary>The vocabulary a model built from <paramref name="config"/> uses.</summary>
    public static SpmCharVocabulary Vocabulary(TinyLlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return SpmCharVocabulary.Create(config.Vocabulary);
    }

    /// <summary>The hyperparameters a model built from <paramref name="config"/> has.</summary>
    public static LlamaHyperparameters Hyperparameters(TinyLlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LlamaHyperparameters(
            config.NLayer, config.NEmbd, config.NHead, config.NHeadKv, config.NFf, config.NCtx,
            Vocabulary(config).Count, config.RmsNormEps, config.RopeFreqBase);
    }

    /// <summary>A writer holding the whole model; add more metadata before writing if needed.</summary>
    /// <exception cref="ArgumentException">Inconsistent sizes, or Q8_0 with widths that are not multiples of 32.</exception>
    /// <exception cref="NotSupportedException">A tensor type other than F32, F16 or Q8_0.</exception>
    public static GgufWriter Build(TinyLlamaConfig config) => Build(config, tokenizer: null);

    /// <summary>
    /// A writer holding the whole model with the tokenizer of <paramref name="tokenizer"/> (every
    /// <c>tokenizer.*</c> key copied: tokens, scores, types, merges, pre-tokenizer, special ids, add_bos…), for
    /// example one of llama.cpp's vocab-only GGUFs of a real model; null keeps the character vocabulary.
    /// </summary>
    /// <exception cref="InvalidDataException"><paramref name="tokenizer"/> has no <c>tokenizer.ggml.tokens</c>.</exception>
    public static GgufWriter Build(TinyLlamaConfig config, GgufFile? tokenizer)
    {
        var hyper = Hyperparameters(config);
        if (tokenizer is not null)
        {
            if (tokenizer.Find("tokenizer.ggml.tokens")?.Value is not string[] tokens)
                throw new InvalidDataException($"'{tokenizer.Path}' has no tokenizer.ggml.tokens array to copy.");
            hyper = hyper with { NVocab = tokens.Length };
        }
        hyper.Validate();
        if (config.TensorType is not (GgmlType.F32 or GgmlType.F16 or GgmlType.Q8_0))
            throw new NotSupportedException($"tiny models are F32, F16 or Q8_0, not {GgmlTypeInfo.Name(config.TensorType)}.");
        if (config.TensorType == GgmlType.Q8_0 && (config.NEmbd % 32 != 0 || config.NFf % 32 != 0))
            throw new ArgumentException($"Q8_0 stores rows in blocks of 32, so n_embd ({config.NEmbd}) and n_ff ({config.NFf}) must be multiples of 32.");

        var writer = new GgufWriter()
            .Add("general.name", config.Name)
            .Add("general.file_type", FileType(config.TensorType));
        TinyArchitecture.AddTo(config.Architecture, hyper, writer);
        if (tokenizer is null) Vocabulary(config).AddTo(writer);
        else
            foreach (var key in tokenizer.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)))
                writer.Add(key, tokenizer.Metadata[key]);
        return AddWeights(writer, config, hyper);
    }

    /// <summary>
    /// A writer holding a model of <paramref name="config"/>'s sizes with <paramref name="vocabulary"/> (any tokenizer
    /// kind) instead of the character-level SPM one; <c>TinyLlamaConfig.Vocabulary</c> is not used.
    /// </summary>
    public static GgufWriter Build(TinyLlamaConfig config, TinyVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var hyper = Hyperparameters(config) with { NVocab = vocabulary.Tokens.Count };
        hyper.Validate();
        if (config.TensorType is not (GgmlType.F32 or GgmlType.F16 or GgmlType.Q8_0))
            throw new NotSupportedException($"tiny models are F32, F16 or Q8_0, not {GgmlTypeInfo.Name(config.TensorType)}.");
        var writer = new GgufWriter()
            .Add("general.name", config.Name)
            .Add("general.file_type", FileType(config.TensorType));
        TinyArchitecture.AddTo(config.Architecture, hyper, writer);
        vocabulary.AddTo(writer);
        return AddWeights(writer, config, hyper);
    }

    private static GgufWriter AddWeights(GgufWriter writer, TinyLlamaConfig config, LlamaHyperparameters hyper)
    {
        var random = new Random(config.Seed);
        foreach (var (name, ne) in TinyArchitecture.TensorShapes(config.Architecture, hyper, config.TiedEmbeddings))
        {
            var values = new float[ne.Aggregate(1L, (p, d) => p * d)];
            var isNorm = ne.Length == 1;
            var isBias = name.EndsWith(".bias", StringComparison.Ordinal);
            // Norm gains near 1, biases near 0; embeddings of unit scale; matrices scaled by 1/sqrt(fan-in) so that
            // activations keep their size through the layers and the logits are not degenerate.
            var (mean, std) = isBias ? (0.0, 0.1) : isNorm ? (1.0, 0.1) : name is "token_embd.weight" or "position_embd.weight" ? (0.0, 1.0) : (0.0, 1.0 / Math.Sqrt(ne[0]));
            for (var i = 0; i < values.Length; i++) values[i] = (float)(mean + std * Gaussian(random));
            writer.AddTensor(name, values, ne, isNorm ? GgmlType.F32 : config.TensorType);
        }

        return writer;
    }

    /// <summary>Builds the model and writes it atomically to <paramref name="path"/>; returns the path.</summary>
    public static string Write(TinyLlamaConfig config, string path)
    {
        Build(config).Write(path);
        return path;
    }

    // llama_ftype: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q8_0 = 7 (1-D tensors stay F32 in each).
    private static uint FileType(GgmlType type) => type switch
    {
        GgmlType.F16 => 1u,
        GgmlType.Q8_0 => 7u,
        _ => 0u,
    };

    // Box-Muller on System.Random, whose seeded sequence is stable across .NET versions.
    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
