using FsCheck;
using FsCheck.Fluent;
using Probing.ToyModels.Sweep;

namespace Probing.ToyModels.Tests.NRecurrence;

public sealed class SweepGridTests
{
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool GivenAnyGridAndShardCount_WhenSharding_ThenEveryPointIsInExactlyOneShard(PositiveInt a, PositiveInt b, PositiveInt c, PositiveInt shards)
    {
        var grid = new SweepGrid(
            [.. Enumerable.Range(1, a.Get % 4 + 1).Select(i => 8 * i)], [.. Enumerable.Range(1, b.Get % 3 + 1)], [.. Enumerable.Range(1, c.Get % 4 + 1)], null, null, null);
        var n = shards.Get % 9 + 1;
        var all = grid.Points();
        var seen = Enumerable.Range(0, n).SelectMany(i => grid.Shard(i, n)).Select(p => p.Index).ToList();
        return seen.Count == all.Count && seen.Order().SequenceEqual(all.Select(p => p.Index)) && all.All(p => p.DModel % p.NHeads == 0);
    }

    [Fact]
    public void GivenAGridFile_WhenParsed_ThenPointsFollowTheFixedOrderAndSkipIndivisibleHeads()
    {
        var grid = SweepGrid.Parse("{\"d_model\": [6, 8], \"n_layers\": [1], \"n_heads\": [1, 4], \"steps\": 10}");
        Assert.Equal([(6, 1), (8, 1), (8, 4)], grid.Points().Select(p => (p.DModel, p.NHeads)));
        Assert.Equal([0, 1, 2], grid.Points().Select(p => p.Index));
        Assert.Equal(10, grid.Steps);
    }

    [Fact]
    public void GivenAGrid_WhenWrittenAsJsonAndParsedBack_ThenTheGridIsTheSame()
    {
        var grid = SweepGrid.Parse("{\"n_heads\": [1, 2], \"d_model\": [8, 16], \"n_layers\": [2], \"steps\": 5, \"preset\": \"tiny\", \"config\": {\"training\": {\"eval_every\": 5}}}");
        var back = SweepGrid.Parse(grid.ToJson());
        Assert.Equal(grid.Points(), back.Points());
        Assert.Equal((grid.Preset, grid.Steps), (back.Preset, back.Steps));
        Assert.Equal(grid.ToJson(), back.ToJson());
        Assert.StartsWith("{\"d_model\":[8,16],\"n_layers\":[2],\"n_heads\":[1,2]", grid.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"d_model\": [8], \"n_layers\": [1]}", "n_heads")]
    [InlineData("{\"d_model\": [8], \"n_layers\": [1], \"n_heads\": [3]}", "no point")]
    [InlineData("{\"d_model\": [8, 8], \"n_layers\": [1], \"n_heads\": [1]}", "twice")]
    [InlineData("{\"d_model\": [8], \"n_layers\": [1], \"n_heads\": [1], \"width\": 3}", "unknown field")]
    public void GivenABadGrid_WhenParsed_ThenAFormatErrorNamesTheProblem(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => SweepGrid.Parse(json)).Message, StringComparison.Ordinal);
}
