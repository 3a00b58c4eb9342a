using System.Text.Json.Nodes;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Tasks.Trigram;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.Trigram;

public sealed class TrigramTaskTests
{
    [Fact]
    public void GivenRegistry_WhenTrigramIsLookedUp_ThenArenaIsTheDefaultPresetWithArenasModel()
    {
        var task = ToyTaskRegistry.Get("trigram");
        var preset = ToyTaskRegistry.GetPreset(task, null);
        Assert.Equal("arena", preset.Name);
        var m = preset.Run.Model;
        Assert.Equal((1, 1, 32, 16, 20, 75, 50), (m.NLayers, m.NHeads, m.DModel, m.DHead, m.DMlp, m.DVocab, m.NCtx));
        Assert.Null(m.NormalizationType);
        Assert.True(preset.Run.Training.WeightDecay > 0);
        Assert.Equal(Probing.ToyModels.Training.LrScheduleKind.Linear, preset.Run.Training.Schedule);
        var attnOnly = ToyTaskRegistry.GetPreset(task, "attn-only").Run.Model;
        Assert.True(attnOnly.AttnOnly);
        Assert.Equal(24, attnOnly.DHead);
    }

    [Fact]
    public void GivenTinyTrigramTask_WhenBatchIsSampled_ThenTargetsAreNextTokensAndOnlyTheLastPositionIsMasked()
    {
        var data = new TrigramTask().Bind(new JsonObject { ["d_vocab"] = 6, ["trigram_prob"] = 0.3, ["dataset_seed"] = 2, ["eval_size"] = 8 }, 7);
        using var scope = NewDisposeScope();
        var batch = data.Sample(4, new Random(1));
        var tokens = batch.Tokens.data<long>().ToArray();
        var targets = batch.Targets.data<long>().ToArray();
        var mask = batch.LossMask.data<float>().ToArray();
        for (var b = 0; b < 4; b++)
        for (var p = 0; p < 7; p++)
        {
            Assert.Equal(p < 6 ? 1f : 0f, mask[b * 7 + p]);
            if (p < 6) Assert.Equal(tokens[b * 7 + p + 1], targets[b * 7 + p]);
        }
    }

    [Fact]
    public void GivenUniformLogits_WhenTaskEvaluates_ThenArenaMetricsAreThoseOfTheUniformPredictor()
    {
        var data = new TrigramTask().Bind(new JsonObject { ["d_vocab"] = 6, ["trigram_prob"] = 0.3, ["dataset_seed"] = 2, ["eval_size"] = 20 }, 7);
        var metrics = data.Evaluate(tokens => zeros(tokens.shape[0], tokens.shape[1], 6), new Random(0));
        Assert.Equal(Math.Log(6), metrics["train_loss"], 5);
        Assert.Equal(1, metrics["train_loss_as_frac"], 5);
        Assert.Equal(1.0 / 6, metrics["trigram_avg_correct_prob"], 5);
        Assert.Contains("trigram_frac_correct", metrics.Keys);
        Assert.Contains("trigram_n_correct", metrics.Keys);
        Assert.Contains("trigram_occurrence_frac_correct", metrics.Keys);
    }

    [Fact]
    public void GivenUnknownOption_WhenBound_ThenItIsRejectedWithTheKnownOptions()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrigramTask().Bind(new JsonObject { ["vocab"] = 6 }, 7));
        Assert.Contains("trigram_prob", ex.Message);
    }
}
