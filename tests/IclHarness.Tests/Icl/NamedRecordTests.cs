using System.Text.Json;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Report;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Icl.Tasks;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>The named-construction records keep the shapes the files rely on: shard batches serialize <see cref="ExampleMeasurement"/>s.</summary>
public sealed class NamedRecordTests
{
    [Fact]
    public void GivenAMeasurement_WhenSerializedLikeAShardBatch_ThenTheKeysKeepTheirFormatOrder()
    {
        var row = new ExampleMeasurement
        {
            Context = 2, Function = "2x", Index = 4, X = 5, Y = 13, ScoredTokens = 3, SurprisalNats = 0.5, SurprisalBits = 0.72,
            FirstTokenSurprisalBits = 0.3, PCorrect = 0.6, FirstTokenRank = 1, GreedyCorrect = true, CumulativeBits = 4.5, IdealSurprisalBits = 0.1,
            FirstToken = "1",
        };

        var json = JsonSerializer.Serialize(row, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

        Assert.Equal(
            """{"context":2,"function":"2x","index":4,"x":5,"y":13,"scored_tokens":3,"surprisal_nats":0.5,"surprisal_bits":0.72,"first_token_surprisal_bits":0.3,"p_correct":0.6,"first_token_rank":1,"greedy_correct":true,"cumulative_bits":4.5,"ideal_surprisal_bits":0.1,"first_token":"1"}""",
            json);
        Assert.Equal(row, JsonSerializer.Deserialize<ExampleMeasurement>(json, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
    }

    [Fact]
    public void GivenAFailedFit_WhenBuiltFromItsCountAndError_ThenEveryEstimateIsAbsent()
    {
        var fit = new IclFit { N = 7, Error = "not identifiable: flat curve" };

        Assert.True(fit.NotIdentifiable);
        Assert.Null(fit.Theta0);
        Assert.Null(fit.CCi95);
        Assert.Empty(fit.ThetaA);
        Assert.Empty(fit.SimulatedSurprisalBits);
    }

    [Fact]
    public void GivenOnlyTaskAndTemplate_WhenOptionsAreBuilt_ThenTheDefaultsAreTheDocumentedOnes()
    {
        var options = new IclRunOptions { Task = TaskParser.Parse("2x+3"), Template = PromptTemplate.Load("pairs", PromptTemplate.DefaultDirectory) };

        Assert.Equal((12, 0L, 19L, 0, true, 8), (options.Examples, options.XMin, options.XMax, options.Seed, options.Distinct, options.Contexts));
        Assert.Equal((1e-6, 100, true, 4), (options.Epsilon, options.MaxInteger, options.Lens, options.BatchContexts));
        Assert.Null(options.SweepShots);
        Assert.Equal(IclRunOptions.DefaultSweepShots, options.EffectiveSweepShots);
    }
}
