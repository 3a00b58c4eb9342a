using System.Text.Json.Nodes;

namespace Probing.Runs.Tests;

public sealed class RunRecordTests
{
    [Fact]
    public void GivenRecord_WhenWritten_ThenItPassesTheSchemaCheckWithEveryField()
    {
        using var temp = new TempFolder();
        var model = Path.Combine(temp.Path, "m.gguf");
        File.WriteAllText(model, "abc");
        var record = new RunRecord("icl", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)) { Seed = 7, CommandLine = ["icl", "--seed", "7"] };
        record.SetModel(model)["n_layers"] = 2;
        record.Parameters["alpha"] = 0.5;
        record.Host["backend"] = "cpu";
        record.Section("outputs")["files"] = new JsonArray("a.csv");
        record.Finish(temp.Path, partial: true, new DateTimeOffset(2026, 1, 2, 3, 5, 0, TimeSpan.Zero));

        var run = RunRecord.Read(Path.Combine(temp.Path, RunRecord.FileName));
        Assert.Empty(RunRecord.Check(run));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", run["model"]!["sha256"]!.GetValue<string>());
        Assert.Equal("2026-01-02T03:05:00Z", run["ended_utc"]!.GetValue<string>());
        Assert.True(run["partial"]!.GetValue<bool>());
        Assert.Equal(RunRecord.ToolVersion, run["versions"]!["probing"]!.GetValue<string>());
        Assert.Equal([.. RunRecord.RequiredKeys, "outputs"], run.Select(p => p.Key));
    }

    [Fact]
    public void GivenOldStyleRunJson_WhenChecked_ThenProblemsAreNamed()
    {
        var old = JsonNode.Parse("""{"tool": "probe icl", "tool_version": "0.1.0", "created_utc": "2026-01-01T00:00:00Z"}""")!.AsObject();
        Assert.NotEmpty(RunRecord.Check(old));
    }

    [Fact]
    public void GivenBadSha_WhenChecked_ThenNamed()
    {
        var record = new RunRecord("lens", DateTimeOffset.UnixEpoch);
        var run = JsonNode.Parse(record.ToJson())!.AsObject();
        run["model"] = new JsonObject { ["path"] = "m", ["sha256"] = "XYZ" };
        Assert.Contains("model.sha256 is not 64 lower-case hex digits", RunRecord.Check(run));
    }

    [Fact]
    public void GivenFixedKey_WhenUsedAsSection_ThenRefused() =>
        Assert.Throws<ArgumentException>(() => new RunRecord("x", DateTimeOffset.UnixEpoch).Section("seed"));
}
