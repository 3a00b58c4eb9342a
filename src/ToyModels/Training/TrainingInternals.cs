using System.Runtime.CompilerServices;

// The trainer's test seam (ToyTrainer.LossTransform) is internal; its tests live here.
[assembly: InternalsVisibleTo("Probing.ToyModels.Tests")]
