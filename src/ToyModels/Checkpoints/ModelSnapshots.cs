using System.Globalization;
using Probing.Runs;
using Probing.ToyModels.Model;

namespace Probing.ToyModels.Checkpoints;

/// <summary>
/// Weight snapshots of a training run in <c>RUN/snapshots/step-NNNNNNN/</c> (config.json, then model.safetensors),
/// taken by the trainer every <c>training.snapshot_every</c> steps, so that progress measures can be computed
/// afterwards with the final model's circuit. A snapshot counts once its model.safetensors exists (written last,
/// atomically).
/// </summary>
public static class ModelSnapshots
{
    /// <summary>The snapshot folder inside a run directory.</summary>
    public const string FolderName = "snapshots";

    /// <summary>Saves <paramref name="model"/> as the snapshot of <paramref name="step"/>, replacing one of the same step.</summary>
    public static void Save(string runDirectory, HookedTransformer model, long step)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dir = Path.Combine(runDirectory, FolderName, FolderOf(step));
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, ToyCheckpoint.ConfigFile), model.Config.ToJson() + "\n");
        ModelWeights.Save(Path.Combine(dir, ToyCheckpoint.ModelFile), model,
            new Dictionary<string, string> { ["format"] = "pt", ["step"] = step.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>
    /// Removes the snapshots taken after <paramref name="step"/> (a resumed run takes them again from its
    /// checkpoint, so none is left from a schedule that is no longer the run's).
    /// </summary>
    public static void DeleteAfter(string runDirectory, long step)
    {
        var dir = Path.Combine(runDirectory, FolderName);
        if (!Directory.Exists(dir)) return;
        foreach (var snapshot in Directory.GetDirectories(dir, "step-*"))
            if (StepOf(snapshot) is { } s && s > step) Directory.Delete(snapshot, recursive: true);
    }

    /// <summary>The snapshot folders of a run, ordered by step (empty when it has none).</summary>
    public static IReadOnlyList<(long Step, string Directory)> List(string runDirectory)
    {
        var dir = Path.Combine(runDirectory, FolderName);
        if (!Directory.Exists(dir)) return [];
        return [.. Directory.GetDirectories(dir, "step-*")
            .Select(d => (Step: StepOf(d), Directory: d))
            .Where(s => s.Step is not null && File.Exists(Path.Combine(s.Directory, ToyCheckpoint.ModelFile)))
            .Select(s => (s.Step!.Value, s.Directory))
            .OrderBy(s => s.Item1)];
    }

    private static string FolderOf(long step) => string.Create(CultureInfo.InvariantCulture, $"step-{step:0000000}");

    private static long? StepOf(string folder) =>
        long.TryParse(Path.GetFileName(folder)["step-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : null;
}
