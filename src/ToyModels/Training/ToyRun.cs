using Probing.Runs;
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
    private readonly RunFolder _claim;

    private ToyRun(RunInfo info, IToyTask task, HookedTransformer model, ToyTrainer trainer, string directory, RunFolder claim)
    {
        _claim = claim;
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

    /// <summary>Whether the run starts over from step 0 in a folder whose earlier run never wrote a checkpoint.</summary>
    public bool Restarted { get; private init; }

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
            if (value < 0) throw new ArgumentException($"Seed must be 0 or more; got {value}.").Naming("Seed");
            config = config with { Model = config.Model with { Seed = value }, Training = config.Training with { Seed = value } };
        }

        return config; // checked once, by Create (the model's and the trainer's constructors)
    }

    /// <summary>
    /// Starts a new run in <paramref name="directory"/>, claiming it: the folder must be new, empty, or hold
    /// a training run that never wrote a checkpoint (which then starts over). With <paramref name="initFrom"/>, the
    /// run starts from the weights of that checkpoint instead of a fresh init (see <see cref="InitialWeights"/>).
    /// </summary>
    /// <exception cref="IOException">The directory holds other files or a checkpoint, or another process is using it.</exception>
    /// <exception cref="InvalidDataException">The <paramref name="initFrom"/> weights do not fit the config.</exception>
    public static ToyRun Create(string taskName, string? preset, string? configFile, ToyRunConfig config, string directory, int threads, string device, string? initFrom = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var task = ToyTaskRegistry.Get(taskName);
        var presetName = ToyTaskRegistry.GetPreset(task, preset).Name;
        if (ToyCheckpoint.Exists(directory))
            throw new IOException($"{directory} already holds a run; resume it or choose another output folder.");
        var torchDevice = TorchRuntime.ParseDevice(device);
        var data = task.Bind(config.Task, config.Model.NCtx);
        var model = new HookedTransformer(config.Model);
        RunFolder? claim = null;
        try
        {
            model.to(torchDevice);
            // Before the folder is claimed, so that incompatible weights leave nothing behind.
            var initWeights = initFrom is null ? null : InitialWeights.Load(model, initFrom);
            claim = RunFolder.Claim(directory, IsRestartable);
            var trainer = new ToyTrainer(model, data, config.Training, directory); // checks the training options before the folder changes
            ToyCheckpoint.Recover(directory);
            var restarted = claim.HeldFiles;
            if (restarted)
            {
                File.Delete(Path.Combine(directory, MetricsLog.FileName));
                ModelSnapshots.DeleteAfter(directory, 0);
            }
            var info = new RunInfo(task.Name, presetName, configFile is null ? null : Path.GetFullPath(configFile), config, threads, device)
            {
                InitFrom = initWeights is null ? null : InitFromRecord.Of(initWeights),
            };
            info.Write(directory);
            return new ToyRun(info, task, model, trainer, directory, claim) { Restarted = restarted };
        }
        catch
        {
            claim?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reopens the run in <paramref name="directory"/> at its last complete checkpoint, or from step 0 when
    /// the run never wrote one. <paramref name="steps"/> changes the total step count (the schedule then
    /// differs from the original run's); <paramref name="snapshotEvery"/> changes <c>training.snapshot_every</c>. The folder stays claimed until the run is disposed, so two
    /// resumes of one run cannot overlap.
    /// </summary>
    public static ToyRun Resume(string directory, int? steps, int threads, string device, int? snapshotEvery = null)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"run directory '{directory}' does not exist; pass the output folder of the run to resume.");
        var claim = RunFolder.Claim(directory, _ => true);
        try
        {
            ToyCheckpoint.Recover(directory);
            var info = RunInfo.Read(directory, name => ToyTaskRegistry.GetPreset(ToyTaskRegistry.Get(name), null).Run);
            var task = ToyTaskRegistry.Get(info.Task);
            var config = info.Config;
            if (steps is { } s) config = config with { Training = config.Training with { Steps = s } };
            if (snapshotEvery is { } every) config = config with { Training = config.Training with { SnapshotEvery = every } };
            config.Training.Validate();
            var torchDevice = TorchRuntime.ParseDevice(device);
            var data = task.Bind(config.Task, config.Model.NCtx);
            var model = new HookedTransformer(config.Model);
            model.to(torchDevice);
            var trainer = new ToyTrainer(model, data, config.Training, directory);
            var restarted = !ToyCheckpoint.Exists(directory);
            if (restarted)
            {
                File.Delete(Path.Combine(directory, MetricsLog.FileName)); // same seed: step 0 again, bit for bit
                ModelSnapshots.DeleteAfter(directory, 0);
            }
            else trainer.Resume();
            info = info with { Config = config, Threads = threads, Device = device, StartedUtc = DateTimeOffset.UtcNow };
            info.Write(directory);
            return new ToyRun(info, task, model, trainer, directory, claim) { Restarted = restarted };
        }
        catch
        {
            claim.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="directory"/> holds only a training run that never wrote a checkpoint (a kill in its first seconds).</summary>
    public static bool IsRestartable(string directory)
    {
        if (ToyCheckpoint.Exists(directory)) return false;
        var known = new HashSet<string>(StringComparer.Ordinal) { RunInfo.FileName, MetricsLog.FileName, ToyCheckpoint.StagingFolder, RunFolder.LockFile, ModelSnapshots.FolderName };
        var names = System.IO.Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(n => !RunFolder.IsLeftover(n!)).ToList();
        if (!names.Contains(RunInfo.FileName) || names.Any(n => !known.Contains(n!))) return false;
        try
        {
            return RunRecord.Read(Path.Combine(directory, RunInfo.FileName))["command"]?.GetValue<string>() == "toy train";
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>Trains the remaining steps, then records the final checkpoint in run.json.</summary>
    public TrainingResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var result = Trainer.Train(progress, cancellation);
        Info.Write(Directory, DateTimeOffset.UtcNow, partial: result.Outcome != TrainingOutcome.Completed);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Trainer.Dispose();
        Model.Dispose();
        _claim.Dispose();
    }
}
