using System.Globalization;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Sharding;

/// <summary>
/// One shard of an ICL run split over an array job: shard <see cref="Index"/> of <see cref="Count"/>.
/// Contexts are assigned by whole batches (batch b = contexts b·B+1 … (b+1)·B, B = --batch) and batch b belongs to
/// shard b mod N: llama.cpp's batched decode makes a context's last bits depend on which contexts share its batch,
/// so a shard scores exactly the batches the single-machine run scores, and the merge is byte-identical.
/// The prediction sweep runs on context 1, so it belongs to the shard of batch 0 (shard 0).
/// </summary>
/// <param name="Index">This shard, 0 ≤ Index &lt; Count.</param>
/// <param name="Count">Shards in the run.</param>
public sealed record IclShard(int Index, int Count)
{
    /// <summary>The file that marks a shard folder (shard, model, every option); a restarted shard finds it and resumes.</summary>
    public const string ManifestFile = "shard.json";

    /// <summary>Checks 0 ≤ Index &lt; Count; throws <see cref="ArgumentException"/> naming the option <c>Index/Count</c>.</summary>
    public void Validate()
    {
        if (Count < 1 || Index < 0 || Index >= Count)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Index/Count {Index}/{Count} is not valid; use i/N with 0 ≤ i < N, e.g. Index/Count 0/4")).Naming("Index/Count");
    }

    /// <summary>
    /// Checks the shard against the run: besides <see cref="Validate()"/>, every shard must own a batch, or shards
    /// beyond the last batch would hold nothing (and a count of millions could never be merged).
    /// </summary>
    public void Validate(int contexts, int batchContexts)
    {
        Validate();
        var batches = BatchCount(contexts, batchContexts);
        if (Count > batches)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Index/Count {Index}/{Count} splits {contexts} contexts in batches of {batchContexts} ({batches} batch{(batches == 1 ? "" : "es")}) over {Count} shards, so shards would hold nothing; use at most {batches} shards, or more Contexts or a smaller BatchContexts"))
                .Naming("Index/Count", "Contexts", "BatchContexts");
    }

    /// <summary>Batches of a run with <paramref name="contexts"/> contexts and <paramref name="batchContexts"/> per batch.</summary>
    public static int BatchCount(int contexts, int batchContexts) => (contexts + batchContexts - 1) / batchContexts;

    /// <summary>The batches (0-based) this shard owns.</summary>
    public IReadOnlyList<int> Batches(int contexts, int batchContexts) =>
        [.. Enumerable.Range(0, BatchCount(contexts, batchContexts)).Where(b => b % Count == Index)];

    /// <summary>The contexts (0-based) of batch <paramref name="batch"/>.</summary>
    public static IReadOnlyList<int> ContextsOf(int batch, int contexts, int batchContexts) =>
        [.. Enumerable.Range(batch * batchContexts, Math.Min(batchContexts, contexts - batch * batchContexts))];

    /// <summary>
    /// A short hash of every option that changes a shard's work (the options shards compare) and of the model file's name,
    /// for default shard folder names: two experiments that differ in any option or model never share a folder. The name,
    /// not the full path: a restart on a node-local copy of the same file resumes (shard.json checks its sha256).
    /// </summary>
    public static string OptionsHash(IclRunOptions options, string modelPath) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(IclShardStore.WriteOptions(options) + "\n" + Path.GetFileName(modelPath))))[..8];

    /// <summary>Whether this shard runs the prediction sweep (it owns batch 0, which holds context 1).</summary>
    public bool OwnsSweep => Index == 0;

    /// <summary><c>i/N</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
