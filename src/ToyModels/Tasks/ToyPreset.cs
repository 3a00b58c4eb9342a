using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks;

/// <summary>A named, ready-to-train setup of a task: model config, task options and training options.</summary>
/// <param name="Name">The preset's name, as given to <c>--preset</c>.</param>
/// <param name="Description">One line: what the preset reproduces.</param>
/// <param name="Run">The model, task and training settings.</param>
public sealed record ToyPreset(string Name, string Description, ToyRunConfig Run);
