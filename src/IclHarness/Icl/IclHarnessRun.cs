using Probing.IclHarness.Icl.Patching;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Sharding;
using Probing.IclHarness.Icl.TaskVector;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Icl;

/// <summary>The public entry points of the ICL harness on a GGUF model.</summary>
public static class IclHarnessRun
{
    // Each entry point checks its options once, here, before a model is loaded; the runners behind it do not check again.

    /// <summary>Loads <paramref name="modelPath"/> with llama.cpp and runs the measurements of <paramref name="options"/>.</summary>
    /// <param name="modelPath">A GGUF file (checked by our reader before llama.cpp sees it).</param>
    /// <param name="options">The run's parameters.</param>
    /// <param name="progress">Receives progress; may be null.</param>
    /// <param name="cancellation">Ctrl-C: the finished contexts are returned marked partial.</param>
    /// <param name="threads">CPU threads for llama.cpp (0: all cores).</param>
    public static IclRunResult Run(string modelPath, IclRunOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Hosted(modelPath, threads, (model, identity) => IclRunner.Run(model, identity, options, progress, cancellation));
    }

    /// <summary>
    /// Runs shard <paramref name="shard"/> of the run <paramref name="options"/> describe into <paramref name="folder"/>
    /// (see <see cref="IclShard"/>): finished batches are saved as they finish and skipped when the shard is rerun.
    /// Returns the shard's own contexts (and, in shard 0, the sweep); <see cref="IclShardMerge.Merge"/> joins the shards.
    /// </summary>
    public static IclRunResult RunShard(string modelPath, IclRunOptions options, IclShard shard, string folder, IProgress<IclProgress>? progress, CancellationToken cancellation, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shard);
        options.Validate();
        shard.Validate(options.Contexts, options.BatchContexts);
        return Hosted(modelPath, threads, (model, identity) => IclShardRunner.Run(model, identity, options, shard, folder, progress, cancellation));
    }

    /// <summary>Activation patching from a source task's prompt into a target task's prompt, layer by layer.</summary>
    public static IclPatchResult Patch(string modelPath, IclPatchOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Hosted(modelPath, threads, (model, identity) => IclPatcher.Run(model, identity, options, progress, cancellation));
    }

    /// <summary>
    /// Task vectors (Hendel et al. 2023): the mean K-shot residual injected into zero-shot (or wrong-task) prompts, layer by
    /// layer; with <see cref="IclTaskVectorOptions.Heads"/>, also the function vector of the top heads (Todd et al. 2024).
    /// </summary>
    public static IclTaskVectorResult TaskVector(string modelPath, IclTaskVectorOptions options, IProgress<IclProgress>? progress, CancellationToken cancellation, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Hosted(modelPath, threads, (model, identity) =>
        {
            var functionVector = options.Heads > 0 ? IclFunctionVector.Measure(model, options, progress, cancellation).Build(options.Heads) : null;
            return IclTaskVector.Run(model, identity, options, progress, cancellation, functionVector);
        });
    }

    /// <summary>
    /// The layer × position patching grid: the source's residual after each block at each position of <paramref name="positions"/>
    /// (counted from the end when negative, from the start of the target prompt otherwise; null: every shared position).
    /// </summary>
    public static IclPatchGridResult PatchGrid(string modelPath, IclPatchOptions options, (long First, long Last)? positions, IProgress<IclProgress>? progress,
        CancellationToken cancellation, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Hosted(modelPath, threads, (model, identity) => IclPatchGrid.Run(model, identity, options, positions, progress, cancellation));
    }

    /// <summary>Loads <paramref name="modelPath"/> (our reader and preflight first), runs <paramref name="measure"/> on it, and frees it.</summary>
    internal static T Hosted<T>(string modelPath, int threads, Func<LlamaScoringModel, ModelIdentity, T> measure)
    {
        using var model = new LlamaScoringModel(LlamaModel.Load(modelPath), ownsModel: true, threads);
        return measure(model, Identity(modelPath, model));
    }

    internal static ModelIdentity Identity(string path, LlamaScoringModel model) =>
        new(path, Sha256File.Of(path), model.LayerCount, model.VocabSize, model.ContextLength);
}
