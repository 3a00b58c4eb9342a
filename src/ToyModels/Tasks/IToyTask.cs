using System.Text.Json.Nodes;
using Probing.ToyModels.Analysis;

namespace Probing.ToyModels.Tasks;

/// <summary>
/// A toy task: what it is called, its presets, and how to bind its options into an
/// <see cref="IToyTaskData"/> that samples batches and computes metrics. Add a task by writing one
/// class that implements this and registering it in <see cref="ToyTaskRegistry"/>.
/// </summary>
public interface IToyTask
{
    /// <summary>The task's name, as given to <c>--task</c> (lower case, e.g. <c>copy</c>).</summary>
    string Name { get; }

    /// <summary>One line describing the task.</summary>
    string Description { get; }

    /// <summary>The task's presets; the first is the default (the setup its seed describes).</summary>
    IReadOnlyList<ToyPreset> Presets { get; }

    /// <summary>The task's analyses of a trained checkpoint (<c>probe toy analyze</c>), or null when it has none.</summary>
    IToyAnalysis? Analysis => null;

    /// <summary>
    /// Validates the task options (the <c>task</c> object of a run config; unknown or bad fields throw
    /// <see cref="ArgumentException"/> with a one-line message) and returns the bound task data.
    /// </summary>
    /// <param name="options">Task-specific options; missing fields take the task's defaults.</param>
    /// <param name="nCtx">The model's context length; samplers produce <c>[batch, nCtx]</c> tokens.</param>
    IToyTaskData Bind(JsonObject options, int nCtx);
}
