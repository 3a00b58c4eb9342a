using TorchSharp;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Runtime;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;

namespace Probing.ToyModels.Training;

/// <summary>
/// A training run bound to its directory: the task, the config, the model and the trainer. Use
/// <see cref="Create"/> for a new run and <see cref="Resume"/> to continue one.
/// </summary>
public sealed class ToyRun : IDisposable
{
    private ToyRun(RunInfo info, IToyTask task, HookedTransformer model, ToyTrainer trainer, string directory)
    {
        Info = info;
        Task = task;
        Model = model;
        Trainer = trainer;
        Directory = directory;
    }

    /// <summary>What the run is (written to run.json).</summary>
    public RunInfo Info { get; }

    /// <summary>The task.</summary>
    public IToyTask Task { get; }

    /// <summary>The model being trained.</summary>
    public HookedTransformer Model { get; }

    /// <summary>The trainer.</summary>
    public ToyTrainer Trainer { get; }

    /// <summary>The run (and checkpoint) directory.</summary>
    public string Directory { get; }

    /// <summary>
    /// The run config for a task: its preset (default: the first), changed by a <c>--config</c> file
    /// and by explicit steps and seed (a seed sets both the init seed and the data seed).
    /// </summary>
    public static ToyRunConfig ResolveConfig(IToyTask task, string? preset, string? configFile, int? steps, int? seed)
    {
        ArgumentNullException.ThrowIfNull(task);
        var config = ToyTaskRegistry.GetPreset(task, preset).Run;
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
                throw new FileNotFoundException($"config file '{configFile}' does not exist; pass a JSON run config (model/task/training) or a TransformerLens config.", configFile);
            config = ToyRunConfig.FromJson(File.ReadAllText(configFile), config, configFile);
        }

        if (steps is { } s) config = config with { Training = config.Training with { Steps = s, WarmupSteps = Math.Min(config.Training.WarmupSteps, s) } };
        if (seed is { } value)
        {
            if (value < 0) throw new ArgumentException($"--seed must be 0 or more; got {value}.");
            config = config with { Model = config.Model with { Seed = value }, Training = config.Training with { Seed = value } };
        }

        config.Training.Validate();
        config.Model.Validate();
        return config;
    }

    /// <summary>
    /// Starts a new run in <paramref name="directory"/> (which must not hold a run already); with
    /// <paramref name="initFrom"/>, from the weights of that checkpoint instead of a fresh init (see <see cref="InitialWeights"/>).
    /// </summary>
    /// <exception cref="IOException">The directory already holds a run.</exception>
    /// <exception cref="InvalidDataException">The <paramref name="initFrom"/> weights do not fit the config.</exception>
    public static ToyRun Create(string taskName, string? preset, string? configFile, ToyRunConfig config, string directory, int threads, string device, string? initFrom = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var task = ToyTaskRegistry.Get(taskName);
        var presetName = ToyTaskRegistry.GetPreset(task, preset).Name;
        if (File.Exists(Path.Combine(directory, RunInfo.FileName)) || File.Exists(Path.Combine(directory, ToyCheckpoint.StateFile)))
            throw new IOException($"{directory} already holds a run; pass --resume to continue it or choose another --out.");
        var torchDevice = TorchRuntime.ParseDevice(device);
        var data = task.Bind(config.Task, config.Model.NCtx);
        var model = new HookedTransformer(config.Model);
        model.to(torchDevice);
        string? initWeights = null;
        try
        {
            // Before the folder exists, so that incompatible weights leave nothing behind.
            if (initFrom is not null) initWeights = InitialWeights.Load(model, initFrom);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        var trainer = new ToyTrainer(model, data, config.Training, directory);
        var info = new RunInfo(task.Name, presetName, configFile is null ? null : Path.GetFullPath(configFile), config, threads, device)
        {
            InitFrom = initWeights is null ? null : InitFromRecord.Of(initWeights),
        };
        System.IO.Directory.CreateDirectory(directory);
        info.Write(directory);
        return new ToyRun(info, task, model, trainer, directory);
    }

    /// <summary>
    /// Reopens the run in <paramref name="directory"/> at its last checkpoint. <paramref name="steps"/>
    /// changes the total step count (the schedule then differs from the original run's).
    /// </summary>
    public static ToyRun Resume(string directory, int? steps, int threads, string device)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"run directory '{directory}' does not exist; pass the --out folder of the run to resume.");
        var info = RunInfo.Read(directory, name => ToyTaskRegistry.GetPreset(ToyTaskRegistry.Get(name), null).Run);
        var task = ToyTaskRegistry.Get(info.Task);
        var config = info.Config;
        if (steps is { } s) config = config with { Training = config.Training with { Steps = s } };
        var torchDevice = TorchRuntime.ParseDevice(device);
        var data = task.Bind(config.Task, config.Model.NCtx);
        var model = new HookedTransformer(config.Model);
        model.to(torchDevice);
        var trainer = new ToyTrainer(model, data, config.Training, directory);
        trainer.Resume();
        info = info with { Config = config, Threads = threads, Device = device };
        info.Write(directory);
        return new ToyRun(info, task, model, trainer, directory);
    }

    /// <summary>Trains the remaining steps, then records the final checkpoint in run.json.</summary>
    public TrainingResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var result = Trainer.Train(progress, cancellation);
        Info.Write(Directory);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Trainer.Dispose();
        Model.Dispose();
    }
}
