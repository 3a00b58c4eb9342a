using Probing.ToyModels.Analysis;
using Probing.ToyModels.Checkpoints;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Loads a beta-Bernoulli checkpoint and computes <see cref="BetaBernoulliAnalyzer"/>'s analyses on it.</summary>
public static class BetaBernoulliCheckpointAnalysis
{
    /// <summary>Analyses <paramref name="checkpoint"/>; writes nothing (see <see cref="BetaBernoulliAnalyzer.Write"/>).</summary>
    public static BetaBernoulliAnalysisResult Compute(string checkpoint, BetaBernoulliAnalysisOptions? options = null, CancellationToken cancel = default)
    {
        using var model = ToyCheckpoint.LoadModel(checkpoint);
        model.eval();
        var (data, _) = BetaBernoulliTask.ReadOptions(CheckpointTaskOptions.Read(checkpoint, new BetaBernoulliTask()), model.Config.NCtx);
        var header = CheckpointTaskOptions.Header(checkpoint, model.Config,
            $"{data.PriorLabel}, n_ctx {data.NCtx}, BOS {(data.Bos ? "on" : "off")} (position i has seen {(data.Bos ? "i" : "i+1")} flips)");
        return BetaBernoulliAnalyzer.Compute(new HookedTransformerSequenceModel(model), data, model.Config.NLayers,
            options ?? new BetaBernoulliAnalysisOptions(), header, cancel);
    }
}
