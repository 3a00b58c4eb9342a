using Probing.ToyModels.Model;

namespace Probing.ToyModels.Training;

/// <summary>One configuration timed by <see cref="TrainingBenchmark"/>.</summary>
/// <param name="Name">Short label.</param>
/// <param name="Model">The model config.</param>
/// <param name="BatchSize">Sequences per step (each <c>n_ctx</c> tokens long).</param>
public sealed record BenchmarkCase(string Name, HookedTransformerConfig Model, int BatchSize);
