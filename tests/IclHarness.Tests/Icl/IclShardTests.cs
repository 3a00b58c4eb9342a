using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Sharding;
using Probing.IclHarness.Icl.Tasks;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>Shards of an ICL run (batch-aligned, checkpointed per batch) and their merge, against the single-machine run.</summary>
[Collection("icl")]
public sealed class IclShardTests(IclModels models)
{
    private static readonly DateTimeOffset Stamp = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IclRunOptions Options(int contexts = 5, int batch = 2) =>
        new()
        {
            Task = TaskParser.Parse("2x+3"),
            Template = IclModels.Template(),
            Examples = 5,
            XMin = 0,
            XMax = 19,
            Seed = 9,
            Contexts = contexts,
            SweepShots = [0, 2],
            SweepXMin = 0,
            SweepXMax = 4,
            MaxInteger = 20,
            BatchContexts = batch,
        };

    private string Folder(string name) => Path.Combine(models.Folder, "shards-" + name + "-" + Guid.NewGuid().ToString("N")[..6]);

    [Theory]
    [InlineData(10, 3, 0, 2, new[] { 0, 2 })]
    [InlineData(10, 3, 1, 2, new[] { 1, 3 })]
    [InlineData(4, 4, 1, 3, new int[0])]
    [InlineData(7, 1, 2, 3, new[] { 2, 5 })]
    public void GivenContextsAndBatch_WhenSharded_ThenShardIOwnsTheBatchesCongruentToI(int contexts, int batch, int index, int count, int[] expected) =>
        Assert.Equal(expected, new IclShard(index, count).Batches(contexts, batch));

    [Fact]
    public void GivenTheBatchesOfARun_WhenListed_ThenEveryContextIsInExactlyOneBatch()
    {
        var all = Enumerable.Range(0, IclShard.BatchCount(10, 3)).SelectMany(b => IclShard.ContextsOf(b, 10, 3)).ToList();
        Assert.Equal(Enumerable.Range(0, 10), all);
        Assert.Equal([9], IclShard.ContextsOf(3, 10, 3));
    }

    [Fact]
    public void GivenThreeShards_WhenMerged_ThenEveryFileEqualsTheSingleMachineRun()
    {
        var options = Options();
        var single = Folder("single");
        IclRunWriter.Write(IclRunner.Run(models.Scoring, models.Identity, options, null, CancellationToken.None), single, Stamp);

        var shards = Enumerable.Range(0, 3).Reverse().Select(i => // in reverse: no shard relies on another having run
        {
            var folder = Folder("s" + i);
            IclShardRunner.Run(models.Scoring, models.Identity, options, new IclShard(i, 3), folder, null, CancellationToken.None);
            return folder;
        }).ToList();
        var merged = Folder("merged");
        IclRunWriter.Write(IclShardMerge.Merge(shards), merged, Stamp);

        var files = Directory.GetFiles(single).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(merged).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
        Assert.Contains("report.md", files);
        Assert.Contains("lens.png", files);
        foreach (var file in files.Where(f => f != "run.json"))
            Assert.True(File.ReadAllBytes(Path.Combine(single, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(merged, file))), file);
        // run.json: the same apart from when the writing ended.
        static IEnumerable<string> Timeless(string path) => File.ReadAllLines(path).Where(l => !l.Contains("\"ended_utc\"", StringComparison.Ordinal));
        Assert.Equal(Timeless(Path.Combine(single, "run.json")), Timeless(Path.Combine(merged, "run.json")));
    }

    [Fact]
    public void GivenAShardWithFinishedBatches_WhenRerun_ThenItKeepsThemAndRedoesOnlyTheMissingOnes()
    {
        var options = Options(contexts: 6, batch: 2);
        var folder = Folder("resume");
        var shard = new IclShard(0, 1);
        var first = IclShardRunner.Run(models.Scoring, models.Identity, options, shard, folder, null, CancellationToken.None);
        var batches = Path.Combine(folder, "batches");
        var kept = Path.Combine(batches, "batch-00000.json");
        var redone = Path.Combine(batches, "batch-00002.json");
        var bytes = File.ReadAllBytes(redone);
        File.Delete(redone);
        File.Delete(Path.Combine(folder, "sweep.json"));
        File.SetLastWriteTimeUtc(kept, Stamp.UtcDateTime);

        var second = IclShardRunner.Run(models.Scoring, models.Identity, options, shard, folder, null, CancellationToken.None);
        Assert.Equal(Stamp.UtcDateTime, File.GetLastWriteTimeUtc(kept)); // read back, not scored again
        Assert.Equal(bytes, File.ReadAllBytes(redone));
        Assert.Equal(IclRunWriter.ExamplesCsv(first), IclRunWriter.ExamplesCsv(second));
        Assert.Equal(IclRunWriter.SweepCsv(first), IclRunWriter.SweepCsv(second));
    }

    [Fact]
    public void GivenAFolderOfAnotherRun_WhenAShardClaimsIt_ThenAOneLineErrorNamesTheFolder()
    {
        var folder = Folder("other");
        IclShardRunner.Run(models.Scoring, models.Identity, Options(contexts: 2), new IclShard(0, 2), folder, null, CancellationToken.None);
        var error = Assert.Throws<IOException>(() =>
            IclShardRunner.Run(models.Scoring, models.Identity, Options(contexts: 3), new IclShard(0, 2), folder, null, CancellationToken.None));
        Assert.Contains("another run", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void GivenOptionsWithEveryFieldSet_WhenWrittenToTheManifestAndReadBack_ThenTheyAreTheSame()
    {
        var options = new IclRunOptions
        {
            Task = TaskParser.Parse("ax+b, a in -2..2, b in 0..3"),
            Template = IclModels.Template("arrow"),
            Examples = 7,
            XMin = -4,
            XMax = 9,
            Seed = 12,
            Distinct = false,
            Contexts = 9,
            SweepShots = [0, 3],
            SweepXMin = -2,
            SweepXMax = 2,
            IdealFamily = TaskParser.Parse("ax+b, a in -3..3, b in -3..3"),
            Epsilon = 1.0 / 3e5,
            MaxInteger = 30,
            Lens = false,
            BatchContexts = 3,
        };
        var json = IclShardStore.WriteOptions(options);
        var back = IclShardStore.ReadOptions(json, "test");
        Assert.Equal(json, IclShardStore.WriteOptions(back));
        Assert.Equal(options.Template, back.Template);
        Assert.Equal(options.Epsilon, back.Epsilon);
        Assert.Equal(options.EffectiveIdealFamily.Canonical, back.EffectiveIdealFamily.Canonical);
        Assert.Equal((options.XMin, options.Distinct, options.Lens, options.Task.Text), (back.XMin, back.Distinct, back.Lens, back.Task.Text));
    }

    [Fact]
    public void GivenOptionsOrAModelThatChangeAShardsWork_WhenHashedForTheDefaultFolder_ThenOnlyTheSameRunSharesIt()
    {
        var options = Options();
        Assert.Equal(IclShard.OptionsHash(options, "m.gguf"), IclShard.OptionsHash(Options(), "m.gguf"));
        Assert.NotEqual(IclShard.OptionsHash(options, "m.gguf"), IclShard.OptionsHash(Options(contexts: 6), "m.gguf"));
        Assert.NotEqual(IclShard.OptionsHash(options, "m.gguf"), IclShard.OptionsHash(options with { Lens = false }, "m.gguf"));
        Assert.NotEqual(IclShard.OptionsHash(options, "m.gguf"), IclShard.OptionsHash(options with { XMax = 30 }, "m.gguf"));
        Assert.NotEqual(IclShard.OptionsHash(options, "m.gguf"), IclShard.OptionsHash(options, "other.gguf"));
        // A node-local copy of the same file resumes the same shard folder.
        Assert.Equal(IclShard.OptionsHash(options, "/shared/models/m.gguf"), IclShard.OptionsHash(options, "/scratch/job-17/m.gguf"));
    }

    [Theory]
    [InlineData(5, 2, 4)]
    [InlineData(5, 4, 100_000_000)]
    public void GivenMoreShardsThanBatches_WhenValidated_ThenOneLineNamesShardContextsAndBatch(int contexts, int batch, int count)
    {
        var e = Assert.Throws<ArgumentException>(() => new IclShard(0, count).Validate(contexts, batch));
        Assert.Contains("would hold nothing", e.Message);
        Assert.Contains("Index/Count", Probing.Runs.OptionNames.In(e));
        new IclShard(0, IclShard.BatchCount(contexts, batch)).Validate(contexts, batch); // as many shards as batches is fine
    }
}
