using TorchSharp;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Runtime;
using Probing.ToyModels.Tasks;
using static TorchSharp.torch;

namespace Probing.ToyModels.Training;

/// <summary>Evaluates a checkpoint on fresh data with its task's metrics.</summary>
public static class ToyEvaluation
{
    /// <summary>
    /// Loads the checkpoint in <paramref name="directory"/> and returns its task's metrics on data drawn
    /// from <paramref name="seed"/>. The task and its options come from run.json; a directory without one
    /// (e.g. weights exported from Python) needs <paramref name="taskName"/>, and then uses that task's
    /// default-preset options.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Evaluate(string directory, string? taskName, int seed, string device = "cpu")
    {
        var torchDevice = TorchRuntime.ParseDevice(device);
        using var model = ToyCheckpoint.LoadModel(directory);
        model.to(torchDevice);
        var (_, task, config, _) = ToyCheckpoint.Open(directory, taskName);
        var data = task.Bind(config.Task, model.Config.NCtx);
        if (data.Tokenizer.Count != model.Config.DVocab)
            throw new ArgumentException($"Task '{task.Name}' has {data.Tokenizer.Count} tokens but the checkpoint's d_vocab is {model.Config.DVocab}; pass the task the model was trained on.");
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return data.Evaluate(tokens => model.forward(tokens.to(torchDevice)).cpu(), SeedMixer.ForEval(seed, -1));
    }
}
