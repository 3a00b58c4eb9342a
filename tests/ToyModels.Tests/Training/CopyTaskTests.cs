using System.Text.Json.Nodes;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Training;

public sealed class CopyTaskTests
{
    private static readonly IToyTaskData Data = new CopyTask().Bind(new JsonObject { ["vocab"] = 7 }, 10);

    [Fact]
    public void GivenASeed_WhenSampledTwice_ThenTheBatchesAreEqual()
    {
        using var scope = NewDisposeScope();
        var a = Data.Sample(4, SeedMixer.ForBatch(1, 3));
        var b = Data.Sample(4, SeedMixer.ForBatch(1, 3));
        var c = Data.Sample(4, SeedMixer.ForBatch(1, 4));

        Assert.True(a.Tokens.equal(b.Tokens).all().item<bool>());
        Assert.False(a.Tokens.equal(c.Tokens).all().item<bool>());
    }

    [Fact]
    public void GivenABatch_WhenInspected_ThenTheSecondHalfCopiesTheFirstAndOnlyCopyPredictionsCount()
    {
        using var scope = NewDisposeScope();
        var batch = Data.Sample(3, new Random(2));
        var tokens = batch.Tokens.data<long>().ToArray();
        var targets = batch.Targets.data<long>().ToArray();
        var mask = batch.LossMask.data<float>().ToArray();

        for (var row = 0; row < 3; row++)
        {
            for (var i = 0; i < 5; i++) Assert.Equal(tokens[row * 10 + i], tokens[row * 10 + 5 + i]);
            for (var t = 0; t < 9; t++) Assert.Equal(tokens[row * 10 + t + 1], targets[row * 10 + t]);
            // Positions 4..8 predict tokens 5..9, the copies.
            Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1, 1, 1, 1, 0 }, mask.Skip(row * 10).Take(10).ToArray());
        }

        Assert.All(tokens, t => Assert.InRange(t, 0, 6));
    }

    [Fact]
    public void GivenPerfectLogits_WhenEvaluated_ThenAccuracyIsOneAndLossNearZero()
    {
        // A cheating "model" that reads the next token: logits peak at the target everywhere.
        static Tensor Oracle(Tensor tokens)
        {
            var next = tokens.roll(-1, 1);                                                  // [batch, pos]
            return nn.functional.one_hot(next, 7).to(ScalarType.Float32).mul(tensor(50f)); // [batch, pos, vocab]
        }

        var metrics = Data.Evaluate(Oracle, new Random(1));

        Assert.Equal(1.0, metrics["accuracy"], 6);
        Assert.True(metrics["loss"] < 1e-6);
    }
}
