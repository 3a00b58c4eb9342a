using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LLama.Exceptions;
using LLama.Native;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Llama;

/// <summary>
/// A llama.cpp context: KV cache, batch and eval hooks. Evaluates token sequences teacher-forced (one
/// llama_decode per batch of up to n_batch tokens), several sequences per batch, with residual capture,
/// activation patching and prefix reuse. Not thread-safe: use one context per thread.
/// </summary>
public sealed unsafe class LlamaContext : IDisposable
{
    private readonly LlamaModel _model;
    private readonly SafeLLamaContextHandle _handle;
    private readonly EvalHooks _hooks = new();
    private readonly LLamaBatch _batch = new();
    // Reached by llama.cpp through cb_eval_user_data until llama_free; freed after the handle in Dispose.
    private GCHandle _hooksHandle;
    private bool _disposed;

    internal LlamaContext(LlamaModel model, LlamaContextOptions options)
    {
        _model = model;
        if (options.ContextSize < 1) throw new ArgumentException($"context size must be at least 1, not {options.ContextSize}.");
        if (options.SequenceCount is < 1 or > 256) throw new ArgumentException($"sequence count must be 1..256, not {options.SequenceCount}.");
        if (options.MicroBatchSize < 1) throw new ArgumentException($"micro-batch size must be at least 1, not {options.MicroBatchSize}.");
        if (options.BatchSize < 0 || options.Threads < 0) throw new ArgumentException("batch size and threads must not be negative.");

        LlamaLibrary.EnsureInitialized();
        var p = LLamaContextParams.Default();
        var cells = (long)options.ContextSize * options.SequenceCount;
        if (cells > int.MaxValue) throw new ArgumentException($"{options.SequenceCount} sequences of {options.ContextSize} KV cells are too many.");
        p.n_ctx = (uint)cells;
        p.n_batch = (uint)(options.BatchSize > 0 ? options.BatchSize : cells);
        p.n_ubatch = (uint)Math.Min(options.MicroBatchSize, (int)p.n_batch);
        p.n_seq_max = (uint)options.SequenceCount;
        p.n_outputs_max = 0;          // = n_batch: teacher forcing wants logits at every position
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        p.n_threads = threads;
        p.n_threads_batch = threads;
        // One unified cache: ubatches keep batch order (the hooks rely on it) and seq_cp shares prefix cells.
        // One KV stream per sequence (a non-unified cache): each sequence's cells are laid out exactly as when it is
        // decoded alone, so a batch of sequences gives bit-identical numbers to one decode per sequence. In a
        // unified cache the sequences' cells interleave, which changes the summation order of attention (up to
        // 0.17 bits per answer measured on a Q8_0 model). llama.cpp gives each stream n_ctx / n_seq_max cells.
        p.kv_unified = false;
        p.no_perf = true;
        if (options.ExactKvCache)
        {
            p.type_k = GGMLType.GGML_TYPE_F32;
            p.type_v = GGMLType.GGML_TYPE_F32;
            p.llama_flash_attn_type = LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED;
        }
        _hooksHandle = GCHandle.Alloc(_hooks);
        p.cb_eval = (nint)EvalHooks.Callback;
        p.cb_eval_user_data = GCHandle.ToIntPtr(_hooksHandle);

        LlamaLog.Clear();
        try
        {
            _handle = SafeLLamaContextHandle.Create(model.Handle, p);
        }
        catch (RuntimeError)
        {
            _hooksHandle.Free();
            throw new ArgumentException($"llama.cpp cannot create a context of {options.ContextSize} tokens ({LlamaLog.LastProblem() ?? "no reason given"}); try a smaller context size.");
        }
        ContextSize = (int)(_handle.ContextSize / Math.Max(1u, _handle.MaxSeq));
        BatchSize = (int)_handle.BatchSize;
        MicroBatchSize = (int)_handle.UBatchSize;
        SequenceCount = (int)_handle.MaxSeq;
    }

    /// <summary>The model this context evaluates.</summary>
    public LlamaModel Model => _model;

    /// <summary>KV cells of each sequence (n_ctx / n_seq_max as llama.cpp set them).</summary>
    public int ContextSize { get; }

    /// <summary>n_batch: tokens per llama_decode call.</summary>
    public int BatchSize { get; }

    /// <summary>n_ubatch: tokens per compute graph.</summary>
    public int MicroBatchSize { get; }

    /// <summary>n_seq_max.</summary>
    public int SequenceCount { get; }

    /// <summary>Teacher-forced evaluation of one sequence (sequence 0, from position 0).</summary>
    public SequenceEvaluation Evaluate(IReadOnlyList<int> tokens, EvaluationOptions? options = null) =>
        Evaluate([new SequenceInput(tokens)], options)[0];

    /// <summary>
    /// Teacher-forced evaluation of several sequences in one batch (split into llama_decode calls of at most
    /// n_batch tokens). Each sequence's log-probs, top-k, last logits and captures are its own.
    /// </summary>
    /// <exception cref="ArgumentException">Empty sequence, unknown token, bad sequence id, or a sequence that does not fit the context.</exception>
    public IReadOnlyList<SequenceEvaluation> Evaluate(IReadOnlyList<SequenceInput> sequences, EvaluationOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= EvaluationOptions.Default;
        var plan = BatchLayout.Create(this, sequences, options);
        foreach (var input in sequences) PrepareMemory(input);

        var collector = new OutputCollector(_model.Info.VocabularySize, sequences, options);
        foreach (var chunk in plan.Chunks(BatchSize))
        {
            Fill(chunk);
            var decodePlan = chunk.CreateDecodePlan(MicroBatchSize, SequenceCount > 1, _model.Info.LayerCount, options);
            _hooks.Arm(decodePlan.IsEmpty ? null : decodePlan);
            DecodeResult rc;
            try
            {
                LlamaLog.Clear();
                rc = _handle.Decode(_batch);
            }
            finally
            {
                _hooks.Arm(null);
            }
            _hooks.ThrowIfFailed();
            if (rc == DecodeResult.Ok && !decodePlan.IsEmpty) decodePlan.EnsureComplete(_model.Info.Architecture);
            ThrowIfFailed(rc);
            collector.Collect(chunk, LogitsRow);
        }
        return collector.Results(plan.Captures);
    }

    /// <summary>
    /// llama_decode of <paramref name="sequences"/> with the output flags <see cref="Evaluate(IReadOnlyList{SequenceInput}, EvaluationOptions?)"/>
    /// would set (each sequence's <see cref="SequenceInput.OutputPositions"/> plus its last token), in the same chunks,
    /// with no hook armed and nothing read back: llama.cpp computes the logits of those rows and no managed code
    /// touches them. The reference of <c>probe bench icl</c> for what a raw decode producing the harness's
    /// distributions must pay (the LM head at the scored rows) without the harness's own per-row work. Returns how
    /// many rows got logits; after the call <see cref="RawLogitsRow"/> reads the last chunk's rows.
    /// </summary>
    internal int DecodeOnly(IReadOnlyList<SequenceInput> sequences)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var options = EvaluationOptions.Default with { AllPositions = false };
        var plan = BatchLayout.Create(this, sequences, options);
        foreach (var input in sequences) PrepareMemory(input);
        var outputs = 0;
        foreach (var chunk in plan.Chunks(BatchSize))
        {
            Fill(chunk);
            for (var i = 0; i < chunk.Count; i++) if (chunk.Token(i).Output) outputs++;
            LlamaLog.Clear();
            var rc = _handle.Decode(_batch);
            ThrowIfFailed(rc);
        }
        return outputs;
    }

    // A full KV cache is the caller's sizing (bad input); any other failure is llama.cpp's and may not recur.
    private void ThrowIfFailed(DecodeResult rc)
    {
        if (rc == DecodeResult.NoKvSlot)
            throw new ArgumentException($"the KV cache is full ({ContextSize} cells); raise the context size or evaluate fewer tokens at once.");
        if (rc != DecodeResult.Ok)
            throw new LlamaDecodeException($"llama_decode failed with code {(int)rc}: {LlamaLog.LastProblem() ?? "no reason given"}.");
    }

    /// <summary>
    /// llama.cpp's logits of batch row <paramref name="batchRow"/> of the last llama_decode (llama_get_logits_ith), or null
    /// where that row asked for none; valid until the next decode. For tests of <see cref="DecodeOnly"/>.
    /// </summary>
    internal float[]? RawLogitsRow(int batchRow)
    {
        try
        {
            var pointer = LogitsRow(batchRow);
            return pointer == 0 ? null : new ReadOnlySpan<float>((float*)pointer, _model.Info.VocabularySize).ToArray();
        }
        catch (GetLogitsInvalidIndexException)
        {
            return null; // llama.cpp computed no logits for that row
        }
    }

    /// <summary>
    /// Scores many continuations of one prefix: the prefix is decoded once into sequence 0, then each group
    /// of up to n_seq_max-1 continuations is evaluated in one batch on copies of its cache (llama_memory_seq_cp).
    /// With n_seq_max 1 the continuations run one after another on the truncated prefix. With an empty prefix each
    /// continuation starts from an empty cache and the first entry of its <see cref="ContinuationEvaluation.LogProbs"/> is NaN.
    /// </summary>
    public IReadOnlyList<ContinuationEvaluation> EvaluateContinuations(
        IReadOnlyList<int> prefix, IReadOnlyList<IReadOnlyList<int>> continuations, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(continuations);
        options ??= EvaluationOptions.Default;
        ArgumentNullException.ThrowIfNull(prefix);
        // An empty prefix (prompts that share no token) leaves sequence 0 empty: each continuation decodes from scratch.
        var head = prefix.Count == 0 ? null
            : Evaluate([new SequenceInput(prefix)], options with { Capture = null, Patches = [], TopK = 0, AllPositions = false })[0];
        var results = new List<ContinuationEvaluation>(continuations.Count);
        var slots = Math.Max(1, SequenceCount - 1);
        for (var start = 0; start < continuations.Count; start += slots)
        {
            var group = continuations.Skip(start).Take(slots).ToArray();
            var inputs = new SequenceInput[group.Length];
            for (var j = 0; j < group.Length; j++)
            {
                var seq = SequenceCount == 1 ? 0 : j + 1;
                if (seq != 0)
                {
                    _handle.MemorySequenceRemove((LLamaSeqId)seq, -1, -1);
                    _handle.MemorySequenceCopy((LLamaSeqId)0, (LLamaSeqId)seq, -1, -1);
                }
                inputs[j] = new SequenceInput(group[j], seq, prefix.Count);
            }
            // With a single slot each continuation runs alone, so sequence 0 is truncated back to the prefix.
            var evaluated = SequenceCount == 1
                ? inputs.Select(i => Evaluate([i], options)[0]).ToArray()
                : Evaluate(inputs, options).ToArray();
            for (var j = 0; j < group.Length; j++)
            {
                var tokens = group[j];
                var logProbs = new double[tokens.Count];
                logProbs[0] = head is null ? double.NaN : head.LastLogProbs[tokens[0]];
                for (var k = 1; k < tokens.Count; k++)
                    logProbs[k] = evaluated[j].NextTokenLogProbs.Length > 0 ? evaluated[j].NextTokenLogProbs[k - 1] : double.NaN;
                results.Add(new ContinuationEvaluation(tokens, logProbs, evaluated[j]));
            }
        }
        return results;
    }

    /// <summary>Empties the KV cache of every sequence.</summary>
    public void ClearMemory() => _handle.MemoryClear(false);

    /// <summary>Copies the cached tokens of sequence <paramref name="source"/> to <paramref name="destination"/> (shared cells, no data copy).</summary>
    public void CopySequence(int source, int destination)
    {
        CheckSequence(source);
        CheckSequence(destination);
        _handle.MemorySequenceCopy((LLamaSeqId)source, (LLamaSeqId)destination, -1, -1);
    }

    /// <summary>Keeps the first <paramref name="length"/> cached tokens of a sequence and drops the rest.</summary>
    public void TruncateSequence(int sequence, int length)
    {
        CheckSequence(sequence);
        // LLamaSharp drops llama_memory_seq_rm's result; a refused partial removal leaves the tail in place.
        _handle.MemorySequenceRemove((LLamaSeqId)sequence, length, -1);
        if (CachedLength(sequence) > length)
            throw new InvalidOperationException($"llama.cpp could not truncate sequence {sequence} to {length} tokens.");
    }

    /// <summary>How many tokens sequence <paramref name="sequence"/> holds in the cache.</summary>
    public int CachedLength(int sequence)
    {
        CheckSequence(sequence);
        return _handle.MemorySequenceMaxPosition((LLamaSeqId)sequence).Value + 1;
    }

    internal void CheckSequence(int sequence)
    {
        if ((uint)sequence >= (uint)SequenceCount)
            throw new ArgumentException($"sequence id {sequence} is outside 0..{SequenceCount - 1}; create the context with a larger SequenceCount.");
    }

    private void PrepareMemory(SequenceInput input)
    {
        if (input.StartPosition == 0)
        {
            _handle.MemorySequenceRemove((LLamaSeqId)input.SequenceId, -1, -1);
            return;
        }
        var cached = CachedLength(input.SequenceId);
        if (cached < input.StartPosition)
            throw new ArgumentException($"sequence {input.SequenceId} holds {cached} cached tokens, so it cannot continue at position {input.StartPosition}; evaluate the prefix first.");
        TruncateSequence(input.SequenceId, input.StartPosition);
    }

    private void Fill(BatchLayout.Chunk chunk)
    {
        _batch.Clear();
        for (var i = 0; i < chunk.Count; i++)
        {
            var (token, position, sequence, output) = chunk.Token(i);
            _batch.Add(token, position, (LLamaSeqId)sequence, output);
        }
    }

    // llama_get_logits_ith: the row of batch index i, in native memory owned by the context.
    private nint LogitsRow(int i) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_handle.GetLogitsIth(i)));

    /// <summary>Frees the context, its batch and its hooks.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _handle.Dispose();
        if (_hooksHandle.IsAllocated) _hooksHandle.Free();
    }
}
