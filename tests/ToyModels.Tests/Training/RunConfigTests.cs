using System.Text.Json.Nodes;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tests.Training;

public sealed class RunConfigTests
{
    private static readonly ToyRunConfig Defaults = TrainerFixture.Config();

    [Fact]
    public void GivenABareTransformerLensConfig_WhenParsed_ThenItBecomesTheModelSectionOverThePreset()
    {
        var config = ToyRunConfig.FromJson("{\"d_model\": 24, \"n_heads\": 3}", Defaults);

        Assert.Equal(24, config.Model.DModel);
        Assert.Equal(3, config.Model.NHeads);
        Assert.Equal(Defaults.Model.DVocab, config.Model.DVocab);
        Assert.Equal(Defaults.Training, config.Training);
    }

    [Fact]
    public void GivenAPartialTrainingSection_WhenParsed_ThenOtherFieldsKeepThePresetValues()
    {
        var config = ToyRunConfig.FromJson("{\"training\": {\"lr\": 0.5, \"schedule\": \"linear\"}}", Defaults);

        Assert.Equal(0.5, config.Training.Lr);
        Assert.Equal(LrScheduleKind.Linear, config.Training.Schedule);
        Assert.Equal(Defaults.Training.BatchSize, config.Training.BatchSize);
    }

    [Theory]
    [InlineData("{\"modle\": {}}", "unknown section 'modle'")]
    [InlineData("{\"training\": {\"stepz\": 3}}", "stepz")]
    [InlineData("{\"training\": {\"schedule\": \"sawtooth\"}}", "training section")]
    [InlineData("[1, 2", "not valid JSON")]
    public void GivenABadConfig_WhenParsed_ThenAOneLineFormatExceptionNamesIt(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ToyRunConfig.FromJson(json, Defaults, "c.json"));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void GivenAConfig_WhenRoundTrippedThroughJson_ThenItIsUnchanged()
    {
        var json = Defaults.ToJson();
        var back = ToyRunConfig.FromJson(json, new CopyTask().Presets[0].Run);

        Assert.Equal(Defaults.Model, back.Model);
        Assert.Equal(Defaults.Training, back.Training);
        Assert.Equal(Defaults.Task.ToJsonString(), back.Task.ToJsonString());
    }

    [Fact]
    public void GivenAnUnknownTaskOrPreset_WhenLookedUp_ThenTheMessageListsTheKnownOnes()
    {
        Assert.Contains("copy", Assert.Throws<ArgumentException>(() => ToyTaskRegistry.Get("nope")).Message);
        Assert.Contains("small", Assert.Throws<ArgumentException>(() => ToyTaskRegistry.GetPreset(new CopyTask(), "huge")).Message);
        Assert.Contains("vocab", Assert.Throws<ArgumentException>(() => new CopyTask().Bind(new JsonObject { ["vocabb"] = 3 }, 8)).Message);
    }
}
