using System.Globalization;
using Probing.IclHarness.Icl.Report;

namespace Probing.IclHarness.Icl.Sharding;

/// <summary>
/// <c>probe icl merge</c>: checks that shard folders are the complete, disjoint shards of one run (same options, same
/// model sha256, every index 0..N−1 exactly once, every batch and the sweep finished) and assembles the run's result,
/// which <see cref="IclRunWriter"/> writes byte-identical to the single-machine run (run.json's created_utc aside).
/// </summary>
public static class IclShardMerge
{
    /// <summary>Merges the shard folders; throws a one-line <see cref="ArgumentException"/>, <see cref="IOException"/> or <see cref="InvalidDataException"/> naming the shard to fix.</summary>
    /// <param name="folders">The shard folders (written by <see cref="IclHarnessRun.RunShard"/>), in any order.</param>
    public static IclRunResult Merge(IReadOnlyList<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (folders.Count == 0) throw new ArgumentException("no shard folders; pass the output folder of every shard of the run");
        var manifests = folders.Select(IclShardStore.ReadManifest).ToList();
        var first = manifests[0];
        foreach (var m in manifests.Skip(1))
        {
            if (m.Model.Sha256 != first.Model.Sha256)
                throw new ArgumentException($"'{m.Folder}' ran on model sha256 {m.Model.Sha256[..12]}…, '{first.Folder}' on {first.Model.Sha256[..12]}…; shards of one run share the model");
            if (m.Shard.Count != first.Shard.Count)
                throw new ArgumentException($"'{m.Folder}' is shard {m.Shard}, '{first.Folder}' is shard {first.Shard}; shards of one run share N");
            if (m.OptionsJson != first.OptionsJson)
                throw new ArgumentException($"'{m.Folder}' and '{first.Folder}' ran with different options; shards of one run share every option but the shard and the output folder");
        }
        var count = first.Shard.Count;
        var duplicate = manifests.GroupBy(m => m.Shard.Index).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"shard {duplicate.Key}/{count} is given twice ({string.Join(", ", duplicate.Select(m => $"'{m.Folder}'"))}); pass each shard once");
        var missing = Enumerable.Range(0, count).Except(manifests.Select(m => m.Shard.Index)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(i => $"{i}/{count}"))} missing; pass all {count} shard folders"));

        var options = first.Options;
        var batches = new List<IclShardBatch>();
        IReadOnlyList<SweepPoint> sweep = [];
        string? sweepFailure = null;
        foreach (var m in manifests.OrderBy(m => m.Shard.Index))
        {
            var store = new IclShardStore(m.Folder);
            var owned = m.Shard.Batches(options.Contexts, options.BatchContexts);
            var unfinished = new List<int>();
            foreach (var b in owned)
            {
                if (store.ReadBatch(b, IclShard.ContextsOf(b, options.Contexts, options.BatchContexts)) is { } batch) batches.Add(batch);
                else unfinished.Add(b);
            }
            if (unfinished.Count > 0)
                throw new IOException(string.Create(CultureInfo.InvariantCulture,
                    $"shard {m.Shard} in '{m.Folder}' is unfinished ({unfinished.Count} of {owned.Count} batches missing); rerun it with the same options, it resumes"));
            if (m.Shard.OwnsSweep && options.EffectiveSweepShots.Count > 0 && (sweepFailure = store.ReadSweepFailure()) is null)
                sweep = store.ReadSweep() ?? throw new IOException($"shard {m.Shard} in '{m.Folder}' has not run the prediction sweep; rerun it with the same options, it resumes");
        }
        return IclShardRunner.Assemble(options, first.Model, batches, sweep, partial: false, sweepFailure);
    }
}
