using System.Globalization;
using System.Text.Json;
using Probing.Runs;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Checkpoints;

/// <summary>
/// A checkpoint directory: <c>model.safetensors</c> (TransformerLens names), <c>config.json</c>
/// (TransformerLens config), <c>metrics.jsonl</c>, <c>run.json</c>, and for resuming
/// <c>trainer_state.safetensors</c> (AdamW moments) with <c>trainer_state.json</c> (counters).
/// A checkpoint is written as a whole: its four files go to a new folder (<c>.checkpoint-next</c>), are
/// flushed to disk, and the folder is renamed to <c>.checkpoint-commit</c>, the commit point; only then
/// are the files moved over the previous checkpoint's. A process killed at any moment leaves either the
/// previous checkpoint (an uncommitted folder is discarded) or a committed one that
/// <see cref="Recover"/> finishes moving, so the last complete checkpoint is never lost.
/// </summary>
public static class ToyCheckpoint
{
    /// <summary>Model weights file.</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>TransformerLens model config file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Optimizer moments file.</summary>
    public const string OptimizerFile = "trainer_state.safetensors";

    /// <summary>Trainer counters file (written last).</summary>
    public const string StateFile = "trainer_state.json";

    /// <summary>The folder a checkpoint is written into before it is committed.</summary>
    public const string StagingFolder = ".checkpoint-next";

    /// <summary>The committed checkpoint whose files are being moved into place.</summary>
    public const string CommitFolder = ".checkpoint-commit";

    private static readonly string[] Files = [OptimizerFile, ModelFile, ConfigFile, StateFile];

    /// <summary>Writes weights, config and trainer state for <paramref name="state"/>.Step into <paramref name="directory"/>, as a whole.</summary>
    public static void Save(string directory, HookedTransformer model, IReadOnlyList<(string Name, Parameter Parameter)> parameters, AdamW optimizer, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(directory);
        Recover(directory);
        var staging = Path.Combine(directory, StagingFolder);
        Directory.CreateDirectory(staging);
        var step = state.Step.ToString(CultureInfo.InvariantCulture);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["step"] = step };

        var moments = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        var states = optimizer.state_dict().State;
        for (var i = 0; i < parameters.Count; i++)
        {
            var adam = (AdamW.State)states[i];
            moments[$"exp_avg.{parameters[i].Name}"] = SafeTensorsTorch.ToEntry(adam.exp_avg);
            moments[$"exp_avg_sq.{parameters[i].Name}"] = SafeTensorsTorch.ToEntry(adam.exp_avg_sq);
        }

        SafeTensorsFile.Write(Path.Combine(staging, OptimizerFile), new SafeTensorsDocument(moments, metadata));
        ModelWeights.Save(Path.Combine(staging, ModelFile), model, metadata);
        AtomicFile.WriteAllText(Path.Combine(staging, ConfigFile), model.Config.ToJson() + "\n");
        AtomicFile.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(state, ToyJson.Options) + "\n");
        FileSync.Folder(staging);
        Directory.Move(staging, Path.Combine(directory, CommitFolder)); // the commit point
        FileSync.Folder(directory);
        Recover(directory);
    }

    /// <summary>
    /// Brings <paramref name="directory"/> to its last complete checkpoint: finishes moving a committed
    /// checkpoint into place, discards an uncommitted one, and removes temporary files of interrupted
    /// writes. Safe to call at any time and more than once.
    /// </summary>
    public static void Recover(string directory)
    {
        if (!Directory.Exists(directory)) return;
        var commit = Path.Combine(directory, CommitFolder);
        if (Directory.Exists(commit))
        {
            foreach (var file in Files)
            {
                var source = Path.Combine(commit, file);
                if (File.Exists(source)) File.Move(source, Path.Combine(directory, file), overwrite: true);
            }

            FileSync.Folder(directory);
            Directory.Delete(commit, recursive: true);
        }

        var staging = Path.Combine(directory, StagingFolder);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        AtomicFile.RemoveLeftovers(directory);
    }

    /// <summary>Whether <paramref name="directory"/> holds a checkpoint to resume from (committed, maybe not yet moved into place).</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, StateFile)) || File.Exists(Path.Combine(directory, CommitFolder, StateFile));

    /// <summary>
    /// Restores weights and optimizer moments saved by <see cref="Save"/> and returns the counters.
    /// </summary>
    /// <exception cref="FileNotFoundException">A checkpoint file is missing.</exception>
    /// <exception cref="InvalidDataException">Files are damaged or from different steps.</exception>
    public static TrainerState Restore(string directory, HookedTransformer model, IReadOnlyList<(string Name, Parameter Parameter)> parameters, AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        Recover(directory);
        var statePath = Path.Combine(directory, StateFile);
        if (!File.Exists(statePath))
            throw new FileNotFoundException($"{directory}: no {StateFile}, so there is nothing to resume; start a new run instead.", statePath);
        TrainerState state;
        try
        {
            state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(statePath), ToyJson.Options)
                ?? throw new InvalidDataException($"{statePath}: empty trainer state; the checkpoint cannot be resumed.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{statePath}: damaged trainer state ({ex.Message.Split('\n')[0]}); the checkpoint cannot be resumed.");
        }

        if (state.Format != TrainerState.CurrentFormat)
            throw new InvalidDataException($"{statePath}: trainer state format {state.Format} is not supported (expected {TrainerState.CurrentFormat}).");

        var weights = SafeTensorsFile.Read(Path.Combine(directory, ModelFile));
        var moments = SafeTensorsFile.Read(Path.Combine(directory, OptimizerFile));
        var step = state.Step.ToString(CultureInfo.InvariantCulture);
        foreach (var (file, document) in new[] { (ModelFile, weights), (OptimizerFile, moments) })
        {
            if (!document.Metadata.TryGetValue("step", out var fileStep) || fileStep != step)
                throw new InvalidDataException($"{directory}: {file} is from step {fileStep ?? "?"} but {StateFile} from step {step}; a checkpoint write was interrupted, so start a new run.");
        }

        ModelWeights.Load(model, weights, Path.Combine(directory, ModelFile));
        var states = optimizer.state_dict().State;
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            var adam = (AdamW.State)states[i];
            var name = parameters[i].Name;
            CopyMoment(moments, $"exp_avg.{name}", adam.exp_avg, directory);
            CopyMoment(moments, $"exp_avg_sq.{name}", adam.exp_avg_sq, directory);
            adam.step = state.AdamStep;
        }

        return state;
    }

    private static void CopyMoment(SafeTensorsDocument moments, string name, Tensor target, string directory)
    {
        if (!moments.Tensors.TryGetValue(name, out var entry) || !entry.Shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"{directory}: {OptimizerFile} lacks '{name}' with shape [{string.Join(", ", target.shape)}]; it does not match the model, so start a new run.");
        using var scope = NewDisposeScope();
        target.copy_(SafeTensorsTorch.ToTensor(entry));
    }

    /// <summary>
    /// Resolves a checkpoint folder to its task and run config: from run.json when there is one (then
    /// <paramref name="taskName"/>, if given, must be the run's task), else <paramref name="taskName"/> with its
    /// default preset. The one place that turns a run folder into a task.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no model weights.</exception>
    /// <exception cref="ArgumentException">The task is unknown, differs from the run's, or is needed and missing.</exception>
    public static OpenedCheckpoint Open(string directory, string? taskName = null)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"checkpoint directory '{directory}' does not exist; pass the output folder of 'probe toy train'.");
        if (!File.Exists(Path.Combine(directory, ModelFile)) && !File.Exists(Path.Combine(directory, CommitFolder, ModelFile)))
            throw new FileNotFoundException($"{directory}: no {ModelFile}; the run has not written a checkpoint yet.", Path.Combine(directory, ModelFile));
        if (File.Exists(Path.Combine(directory, RunInfo.FileName)))
        {
            var info = RunInfo.Read(directory, name => Tasks.ToyTaskRegistry.GetPreset(Tasks.ToyTaskRegistry.Get(name), null).Run);
            if (taskName is not null && !string.Equals(taskName, info.Task, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"checkpoint '{directory}' was trained on task '{info.Task}', not '{taskName}'; a checkpoint is evaluated, analysed and exported only with its own task, read from its run.json, so leave Task out.")
                    .Naming("Task");
            return new OpenedCheckpoint(directory, Tasks.ToyTaskRegistry.Get(info.Task), info.Config, info);
        }

        if (taskName is null)
            throw new ArgumentException($"{directory} has no {RunInfo.FileName}, so its task is unknown; name the task.");
        var task = Tasks.ToyTaskRegistry.Get(taskName);
        return new OpenedCheckpoint(directory, task, Tasks.ToyTaskRegistry.GetPreset(task, null).Run, null);
    }

    /// <summary>Reads the model config and weights of a checkpoint directory.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json or model.safetensors is missing.</exception>
    public static HookedTransformer LoadModel(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"checkpoint directory '{directory}' does not exist; pass the output folder of 'probe toy train'.");
        var configPath = Path.Combine(directory, ConfigFile);
        var weightsPath = Path.Combine(directory, ModelFile);
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"{directory}: no {ModelFile}; the run has not written a checkpoint yet.", weightsPath);
        var model = new HookedTransformer(HookedTransformerConfig.Load(configPath));
        ModelWeights.Load(model, weightsPath);
        return model;
    }
}
