using System.Globalization;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;
using Probing.Runs;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// A training progress sink that saves the weights at every evaluation into <c>RUN/snapshots/step-NNNNNNN/</c>
/// (model.safetensors + config.json), so that progress measures (analysis 5) can be computed afterwards with the
/// final model's circuit. Progress reports are synchronous, so the weights saved are exactly those evaluated.
/// </summary>
public sealed class NRecurrenceSnapshots : IProgress<TrainingProgress>
{
    /// <summary>The snapshot folder inside a run directory.</summary>
    public const string FolderName = "snapshots";

    private readonly HookedTransformer _model;
    private readonly string _directory;
    private readonly IProgress<TrainingProgress>? _next;
    private MetricsRecord? _saved;

    /// <summary>Saves <paramref name="model"/> into <paramref name="runDirectory"/>/snapshots and forwards reports to <paramref name="next"/>.</summary>
    public NRecurrenceSnapshots(HookedTransformer model, string runDirectory, IProgress<TrainingProgress>? next = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _directory = Path.Combine(runDirectory, FolderName);
        _next = next;
    }

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.LastEval is { } eval && !ReferenceEquals(eval, _saved) && eval.Step == value.Step)
        {
            _saved = eval;
            var dir = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"step-{value.Step:0000000}"));
            Directory.CreateDirectory(dir);
            ModelWeights.Save(Path.Combine(dir, ToyCheckpoint.ModelFile), _model,
                new Dictionary<string, string> { ["format"] = "pt", ["step"] = value.Step.ToString(CultureInfo.InvariantCulture) });
            AtomicFile.WriteAllText(Path.Combine(dir, ToyCheckpoint.ConfigFile), _model.Config.ToJson() + "\n");
        }

        _next?.Report(value);
    }

    /// <summary>The snapshot folders of a run, ordered by step (empty when it has none).</summary>
    public static IReadOnlyList<(long Step, string Directory)> List(string runDirectory)
    {
        var dir = Path.Combine(runDirectory, FolderName);
        if (!Directory.Exists(dir)) return [];
        return [.. Directory.GetDirectories(dir, "step-*")
            .Select(d => (Step: long.Parse(Path.GetFileName(d)["step-".Length..], CultureInfo.InvariantCulture), Directory: d))
            .Where(s => File.Exists(Path.Combine(s.Directory, ToyCheckpoint.ModelFile)))
            .OrderBy(s => s.Step)];
    }
}
