namespace Probing.IclHarness.Llama;

/// <summary>Settings of a <see cref="LlamaContext"/>; unset values follow llama.cpp's defaults where sensible.</summary>
public sealed record LlamaContextOptions
{
    /// <summary>n_ctx: KV-cache cells, shared by all sequences (the cache is unified).</summary>
    public int ContextSize { get; init; } = 2048;

    /// <summary>n_batch: most tokens per llama_decode call; 0 = <see cref="ContextSize"/>, so a whole prompt is one call.</summary>
    public int BatchSize { get; init; }

    /// <summary>n_ubatch: tokens per compute graph.</summary>
    public int MicroBatchSize { get; init; } = 512;

    /// <summary>n_seq_max: how many sequences one batch may hold.</summary>
    public int SequenceCount { get; init; } = 1;

    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }
}
