using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tests.Training;

/// <summary>Tiny copy-task setups shared by the trainer tests.</summary>
internal static class TrainerFixture
{
    public static readonly HookedTransformerConfig Model = new()
    {
        NLayers = 1, DModel = 16, NHeads = 2, DHead = 8, DMlp = 32, DVocab = 6, NCtx = 8,
        ActFn = "relu", NormalizationType = "LN", PositionalEmbeddingType = "standard", Seed = 3,
    };

    public static readonly TrainingOptions Training = new()
    {
        Steps = 20, BatchSize = 16, Lr = 1e-2, Schedule = LrScheduleKind.Cosine, WarmupSteps = 3,
        EvalEvery = 5, CheckpointEvery = 7, Seed = 11,
    };

    public static ToyRunConfig Config(TrainingOptions? training = null) =>
        new(Model, new JsonObject { ["vocab"] = 6, ["eval_batch"] = 64 }, training ?? Training);

    public static IToyTaskData Data(ToyRunConfig config) => new CopyTask().Bind(config.Task, config.Model.NCtx);

    public static DirectoryInfo TempDir() => Directory.CreateTempSubdirectory("toy-train-");
}
