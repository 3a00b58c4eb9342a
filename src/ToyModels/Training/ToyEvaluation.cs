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
        IToyTask task;
        ToyRunConfig config;
        if (File.Exists(Path.Combine(directory, RunInfo.FileName)))
        {
            var info = RunInfo.Read(directory, name => ToyTaskRegistry.GetPreset(ToyTaskRegistry.Get(name), null).Run);
            task = ToyTaskRegistry.Get(taskName ?? info.Task);
            config = info.Config;
        }
        else if (taskName is not null)
        {
            task = ToyTaskRegistry.Get(taskName);
            config = ToyTaskRegistry.GetPreset(task, null).Run;
        }
        else
        {
            throw new ArgumentException($"{directory} has no {RunInfo.FileName}, so its task is unknown; pass --task NAME.");
        }

        var data = task.Bind(config.Task, model.Config.NCtx);
        if (data.Tokenizer.Count != model.Config.DVocab)
            throw new ArgumentException($"Task '{task.Name}' has {data.Tokenizer.Count} tokens but the checkpoint's d_vocab is {model.Config.DVocab}; pass the task the model was trained on.");
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return data.Evaluate(tokens => model.forward(tokens.to(torchDevice)).cpu(), SeedMixer.ForEval(seed, -1));
    }
}
