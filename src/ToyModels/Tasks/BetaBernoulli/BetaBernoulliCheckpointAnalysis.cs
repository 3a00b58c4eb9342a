using Probing.ToyModels.Analysis;
using Probing.ToyModels.Checkpoints;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Loads a beta-Bernoulli checkpoint and runs <see cref="BetaBernoulliAnalyzer"/> on it.</summary>
public static class BetaBernoulliCheckpointAnalysis
{
    /// <summary>Analyses <paramref name="checkpoint"/> into <paramref name="outDir"/> and returns the results.</summary>
    public static BetaBernoulliAnalysisResult Run(string checkpoint, string outDir, BetaBernoulliAnalysisOptions? options = null, CancellationToken cancel = default)
    {
        using var model = ToyCheckpoint.LoadModel(checkpoint);
        model.eval();
        var (data, _) = BetaBernoulliTask.ReadOptions(CheckpointTaskOptions.Read(checkpoint, new BetaBernoulliTask()), model.Config.NCtx);
        var header = CheckpointTaskOptions.Header(checkpoint, model.Config,
            $"{data.PriorLabel}, n_ctx {data.NCtx}, BOS {(data.Bos ? "on" : "off")} (position i has seen {(data.Bos ? "i" : "i+1")} flips)");
        return BetaBernoulliAnalyzer.Run(new HookedTransformerSequenceModel(model), data, model.Config.NLayers, outDir,
            options ?? new BetaBernoulliAnalysisOptions(), header, cancel);
    }
}
