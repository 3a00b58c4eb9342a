using Probing.ToyModels.Analysis;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tasks.PreviousToken;

/// <summary>Loads a previous-token checkpoint and runs <see cref="PreviousTokenAnalyzer"/> on it.</summary>
public static class PreviousTokenCheckpointAnalysis
{
    /// <summary>Analyses <paramref name="checkpoint"/> on <paramref name="batch"/> fresh sequences; writes nothing.</summary>
    public static PreviousTokenAnalysisResult Compute(string checkpoint, int batch = 2048, int seed = 1234)
    {
        using var model = ToyCheckpoint.LoadModel(checkpoint);
        var data = PreviousTokenTask.ReadOptions(CheckpointTaskOptions.Read(checkpoint, new PreviousTokenTask()), model.Config.NCtx, out _);
        var header = CheckpointTaskOptions.Header(checkpoint, model.Config,
            $"{data.Vocab} random tokens{(data.Bos ? " after a BOS token" : "")}, n_ctx {data.NCtx}; scored positions {data.FirstScoredPosition} … {data.NCtx - 1}; {batch} fresh sequences (seed {seed})");
        return PreviousTokenAnalyzer.Compute(model, data, batch, seed, header);
    }
}
