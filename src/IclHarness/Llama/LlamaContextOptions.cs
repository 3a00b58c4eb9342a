namespace Probing.IclHarness.Llama;

/// <summary>Settings of a <see cref="LlamaContext"/>; unset values follow llama.cpp's defaults where sensible.</summary>
public sealed record LlamaContextOptions
{
    /// <summary>KV-cache cells of each sequence; each sequence has its own KV stream, so n_ctx = ContextSize × SequenceCount.</summary>
    public int ContextSize { get; init; } = 2048;

    /// <summary>n_batch: most tokens per llama_decode call; 0 = <see cref="ContextSize"/>, so a whole prompt is one call.</summary>
    public int BatchSize { get; init; }

    /// <summary>n_ubatch: tokens per compute graph.</summary>
    public int MicroBatchSize { get; init; } = 512;

    /// <summary>n_seq_max: how many sequences one batch may hold.</summary>
    public int SequenceCount { get; init; } = 1;

    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Keep the KV cache in F32 and turn flash attention off. llama.cpp's defaults (F16 cache, flash
    /// attention auto) round keys and values to F16, which costs ~5e-4 relative error in the logits; exact
    /// comparisons with a reference implementation (the toy export round trip) need this on.
    /// </summary>
    public bool ExactKvCache { get; init; }
}
